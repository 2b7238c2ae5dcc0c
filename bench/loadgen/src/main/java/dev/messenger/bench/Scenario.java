package dev.messenger.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * One run: plan users and groups, mint tokens and create chats (product), connect and join
 * everyone, then hold (capacity) or send at a fixed rate per user (fan-out), and measure.
 */
final class Scenario implements BenchClient.Events, BenchClient.Sender {
  enum Mode {
    CAPACITY,
    FANOUT
  }

  /** Fan-out settings; capacity runs leave it null. */
  record Fanout(
      double ratePerUser,
      int warmupSeconds,
      int durationSeconds,
      int drainSeconds,
      int contentLength,
      double maxLossRatio,
      double maxErrorRatio) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Mode mode;
  private final BenchOptions options;
  private final Target target;
  private final Fanout fanout;
  private final int holdSeconds;
  private final long origin = System.nanoTime();
  private final String content;

  private final ConcurrentHistogram handshakeMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram joinMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram ackMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram deliveryMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram sendLagMicros = new ConcurrentHistogram(3);
  private final LongAdder ready = new LongAdder();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> drops = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder acked = new LongAdder();
  private final LongAdder sendErrors = new LongAdder();
  private final LongAdder deliveries = new LongAdder();
  private final LongAdder expectedDeliveries = new LongAdder();
  private final LongAdder otherFrames = new LongAdder();
  private final LongAdder unreadable = new LongAdder();
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;
  private Semaphore connectPermits;
  private CountDownLatch settled;

  Scenario(Mode mode, BenchOptions options, int holdSeconds, Fanout fanout) {
    this.mode = mode;
    this.options = options;
    this.target = options.parsedTarget();
    this.holdSeconds = holdSeconds;
    this.fanout = fanout;
    this.content = fanout == null ? "" : "x".repeat(fanout.contentLength());
  }

  /** Runs the scenario; returns the result, whose verdict says whether it passed. */
  Result run() throws InterruptedException {
    String loadStart = ServerProbe.loadAverage();
    URI base = options.parsedUrl();
    Long pid = options.pid();
    ServerProbe server = pid == null ? null : new ServerProbe(pid);
    int users = options.users;
    String runId = Long.toString(System.currentTimeMillis(), 36);
    List<BenchClient> clients = plan(base, runId);

    ObjectNode report = JSON.createObjectNode();
    report.put("tool", "messenger-loadgen");
    report.put("mode", mode.name().toLowerCase());
    report.put("target", target.name().toLowerCase());
    report.put("label", options.label);
    report.put("runId", runId);
    report.put("users", users);
    report.put("groupSize", options.groupSize);
    report.put("sourceAddresses", options.parsedSourceAddresses().size());
    report.put("clientThreads", options.threads);

    Probe before = Probe.take(server, options.heap);
    long ownCpuStart = ServerProbe.ownCpuTicks();
    connectPermits = new Semaphore(options.connectConcurrency);
    settled = new CountDownLatch(users);
    long connectStart = System.nanoTime();
    try (ClientPool pool =
        new ClientPool(
            base,
            target,
            options.parsedSourceAddresses(),
            options.threads,
            (int) TimeUnit.SECONDS.toMillis(options.timeoutSeconds))) {
      // Two halves with a probe between them: the second half's growth is the marginal cost of a
      // connection, free of one-off costs (JIT, pools, caches) that the first connections pay.
      int half = users / 2;
      connect(pool, clients.subList(0, half), settled.getCount() - half);
      long firstHalfNanos = System.nanoTime() - connectStart;
      long halfReady = ready.sum();
      Probe middle = Probe.take(server, options.heap);
      long secondHalfStart = System.nanoTime();
      connect(pool, clients.subList(half, users), 0);
      double connectSeconds = (firstHalfNanos + System.nanoTime() - secondHalfStart) / 1e9;
      Probe connected = Probe.take(server, options.heap);
      ObjectNode connect = report.putObject("connect");
      connect.put("attempted", users);
      connect.put("ok", ready.sum());
      connect.put("failed", users - ready.sum());
      connect.set("failures", counts(failures));
      connect.put("seconds", round(connectSeconds));
      connect.put("perSecond", round(ready.sum() / connectSeconds));
      connect.set("handshakeMs", percentiles(handshakeMicros));
      if (target == Target.PRODUCT) {
        connect.set("joinMs", percentiles(joinMicros));
      }
      ObjectNode serverNode = report.putObject("server");
      if (server != null) {
        serverNode.put("pid", server.pid());
        serverNode.put("rssBeforeKb", before.rssKb());
        putKnown(serverNode, "heapBeforeKb", before.heapKb());
        serverNode.put(
            "cpuMsPerConnection",
            round(
                ticksToMillis(before.cpuTicksUntil(middle) + middle.cpuTicksUntil(connected))
                    / Math.max(1, ready.sum())));
      }

      Probe after;
      if (mode == Mode.CAPACITY) {
        Thread.sleep(TimeUnit.SECONDS.toMillis(holdSeconds));
        after = Probe.take(server, options.heap);
        report.put("holdSeconds", holdSeconds);
      } else {
        after = connected;
        sendAndMeasure(clients, report, server);
      }
      if (server != null) {
        serverNode.put("rssAfterKb", after.rssKb());
        putKnown(serverNode, "heapAfterKb", after.heapKb());
        long n = Math.max(1, ready.sum());
        serverNode.put("rssPerConnectionBytes", (after.rssKb() - before.rssKb()) * 1024 / n);
        if (after.heapKb() >= 0 && before.heapKb() >= 0) {
          serverNode.put("heapPerConnectionBytes", (after.heapKb() - before.heapKb()) * 1024 / n);
        }
        long secondHalf = ready.sum() - halfReady;
        if (secondHalf > 0) {
          serverNode.put("rssMiddleKb", middle.rssKb());
          putKnown(serverNode, "heapMiddleKb", middle.heapKb());
          serverNode.put(
              "rssMarginalPerConnectionBytes",
              (connected.rssKb() - middle.rssKb()) * 1024 / secondHalf);
          // The second half meets a warmer server (compiled code, filled pools): closer to what a
          // reconnecting crowd costs a node that has been up for a while.
          serverNode.put(
              "cpuMarginalMsPerConnection",
              round(ticksToMillis(middle.cpuTicksUntil(connected)) / secondHalf));
          if (connected.heapKb() >= 0 && middle.heapKb() >= 0) {
            serverNode.put(
                "heapMarginalPerConnectionBytes",
                (connected.heapKb() - middle.heapKb()) * 1024 / secondHalf);
          }
        }
      }
      report.put("dropped", dropped.sum());
      report.set("drops", counts(drops));
      clients.forEach(BenchClient::close);
      Thread.sleep(500);
    }
    ObjectNode machine = report.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("loadAverageStart", loadStart);
    machine.put("loadAverageEnd", ServerProbe.loadAverage());
    double elapsed = (System.nanoTime() - connectStart) / 1e9;
    machine.put(
        "generatorCpuCores",
        round(ticksToMillis(ServerProbe.ownCpuTicks() - ownCpuStart) / 1000 / elapsed));
    return Verdict.judge(report, options, fanout);
  }

  /** Opens these clients, at most --connect-concurrency at once, and waits for each outcome. */
  private void connect(ClientPool pool, List<BenchClient> batch, long leaveUnsettled)
      throws InterruptedException {
    for (BenchClient client : batch) {
      connectPermits.acquire();
      pool.open(client);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3L * options.timeoutSeconds + 5);
    while (settled.getCount() > leaveUnsettled && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (settled.getCount() > leaveUnsettled) {
      batch.forEach(c -> c.fail("timeout"));
    }
  }

  private List<BenchClient> plan(URI base, String runId) throws InterruptedException {
    int users = options.users;
    int size = options.groupSize;
    int groupCount = (users + size - 1) / size;
    List<String> userIds = new ArrayList<>(users);
    for (int i = 0; i < users; i++) {
      userIds.add("bench-" + runId + "-" + i);
    }
    List<Group> groups = new ArrayList<>(groupCount);
    for (int g = 0; g < groupCount; g++) {
      groups.add(new Group(g, "room-" + runId + "-" + g));
    }
    String[] tokens = new String[users];
    if (target == Target.PRODUCT) {
      TokenMinter minter =
          new TokenMinter(
              TokenMinter.readKey(options.keyFile()), options.issuer, Duration.ofHours(12));
      tokens = minter.mintAll(userIds);
      List<List<String>> members = new ArrayList<>(groupCount);
      String[] creators = new String[groupCount];
      for (int g = 0; g < groupCount; g++) {
        members.add(userIds.subList(g * size, Math.min(users, (g + 1) * size)));
        creators[g] = tokens[g * size];
      }
      String[] chatIds =
          new ChatSetup(base, Duration.ofSeconds(Math.max(60, options.timeoutSeconds)))
              .create(members, creators, 8);
      for (int g = 0; g < groupCount; g++) {
        groups.get(g).room = chatIds[g];
      }
    }
    long timeout = TimeUnit.SECONDS.toNanos(options.timeoutSeconds);
    List<BenchClient> clients = new ArrayList<>(users);
    for (int i = 0; i < users; i++) {
      clients.add(
          new BenchClient(
              i, userIds.get(i), groups.get(i / size), tokens[i], target, this, timeout));
    }
    return clients;
  }

  private void sendAndMeasure(List<BenchClient> clients, ObjectNode report, ServerProbe server)
      throws InterruptedException {
    long period = (long) (1e9 / fanout.ratePerUser());
    for (BenchClient c : clients) {
      if (c.isReady()) {
        c.startSending(this, period, ThreadLocalRandom.current().nextLong(period));
      }
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(fanout.warmupSeconds()));
    ServerProbe.CpuTicks cpu0 = server == null ? null : server.cpu();
    ThreadCpu.Window threads = server == null ? null : new ThreadCpu.Window(server.pid());
    long sent0 = sent.sum();
    long acked0 = acked.sum();
    long deliveries0 = deliveries.sum();
    long start = System.nanoTime();
    windowStart = start - origin;
    long windowEnds = start + TimeUnit.SECONDS.toNanos(fanout.durationSeconds());
    for (long left = windowEnds - start; left > 0; left = windowEnds - System.nanoTime()) {
      // Once a second, so the server's threads that end inside the window are still counted.
      Thread.sleep(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(left))));
      if (threads != null) {
        threads.read();
      }
    }
    long end = System.nanoTime();
    windowEnd = end - origin;
    ServerProbe.CpuTicks cpu1 = server == null ? null : server.cpu();
    long rssEnd = server == null ? -1 : server.rssKb();
    double seconds = (end - start) / 1e9;
    double messagesPerSecond = (sent.sum() - sent0) / seconds;
    double acksPerSecond = (acked.sum() - acked0) / seconds;
    double deliveriesPerSecond = (deliveries.sum() - deliveries0) / seconds;
    clients.forEach(BenchClient::stopSending);
    Thread.sleep(200);
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(fanout.drainSeconds());
    while (System.nanoTime() < drainDeadline && !drained()) {
      Thread.sleep(100);
    }

    ObjectNode f = report.putObject("fanout");
    f.put("ratePerUser", fanout.ratePerUser());
    f.put("warmupSeconds", fanout.warmupSeconds());
    f.put("seconds", round(seconds));
    f.put("contentLength", fanout.contentLength());
    f.put("messagesPerSecond", round(messagesPerSecond));
    if (target == Target.PRODUCT) {
      f.put("acksPerSecond", round(acksPerSecond));
    }
    f.put("deliveriesPerSecond", round(deliveriesPerSecond));
    f.put("sent", sent.sum());
    if (target == Target.PRODUCT) {
      f.put("acked", acked.sum());
      f.put("refused", sendErrors.sum());
      f.put("unanswered", Math.max(0, sent.sum() - acked.sum() - sendErrors.sum()));
    }
    f.put("expectedDeliveries", expectedDeliveries.sum());
    f.put("deliveries", deliveries.sum());
    f.put("lostDeliveries", Math.max(0, expectedDeliveries.sum() - deliveries.sum()));
    f.put("extraDeliveries", Math.max(0, deliveries.sum() - expectedDeliveries.sum()));
    f.set("errors", counts(errors));
    f.put("otherFrames", otherFrames.sum());
    f.put("unreadableFrames", unreadable.sum());
    if (target == Target.PRODUCT) {
      f.set("sendToMessageSentMs", percentiles(ackMicros));
    }
    f.set("sendToDeliveryMs", percentiles(deliveryMicros));
    f.set("sendLagMs", percentiles(sendLagMicros));
    if (server != null) {
      ServerProbe.CpuTicks used = cpu1.since(cpu0);
      double cores = ticksToMillis(used.total()) / 1000 / seconds;
      f.put("serverCpuCores", round(cores));
      f.put("serverSystemCpuShare", round(used.systemShare()));
      ObjectNode byThread = f.putObject("serverCpuByThread");
      threads.shares(used.total()).forEach((group, share) -> byThread.put(group, round(share)));
      if (deliveriesPerSecond > 0) {
        f.put("serverCpuCoresPer1kDeliveriesPerSecond", round(cores * 1000 / deliveriesPerSecond));
      }
      f.put("serverRssEndKb", rssEnd);
    }
  }

  private boolean drained() {
    boolean answered = target != Target.PRODUCT || acked.sum() + sendErrors.sum() >= sent.sum();
    return answered && deliveries.sum() >= expectedDeliveries.sum();
  }

  // ---- events from the clients, on their event loops

  @Override
  public void ready(BenchClient client, long handshakeNanos, long joinNanos) {
    client.group.ready.incrementAndGet();
    ready.increment();
    handshakeMicros.recordValue(handshakeNanos / 1000);
    if (target == Target.PRODUCT) {
      joinMicros.recordValue(joinNanos / 1000);
    }
    connectPermits.release();
    settled.countDown();
  }

  @Override
  public void failed(BenchClient client, String reason) {
    failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
    connectPermits.release();
    settled.countDown();
  }

  @Override
  public void dropped(BenchClient client, int closeCode) {
    dropped.increment();
    drops
        .computeIfAbsent(closeCode < 0 ? "tcp" : "close_" + closeCode, r -> new LongAdder())
        .increment();
  }

  @Override
  public void unreadable(BenchClient client) {
    unreadable.increment();
  }

  @Override
  public void frame(BenchClient client, Frames.Inbound in, long nowNanos) {
    String event = in.event();
    if (event.equals(target.deliveryEvent())) {
      long sentAt = TempIds.sentNanos(in.tempId());
      if (sentAt < 0) {
        otherFrames.increment();
        return;
      }
      deliveries.increment();
      record(deliveryMicros, sentAt, nowNanos);
    } else if (event.equals("message_sent")) {
      acked.increment();
      expectedDeliveries.add(client.group.ready.get() - 1);
      record(ackMicros, TempIds.sentNanos(in.tempId()), nowNanos);
    } else if (event.equals("error")) {
      errors.computeIfAbsent(String.valueOf(in.code()), c -> new LongAdder()).increment();
      if (in.tempId() != null) {
        sendErrors.increment();
      }
    } else {
      otherFrames.increment();
    }
  }

  /** Only messages sent inside the measured window count in the latency figures. */
  private void record(Histogram histogram, long sentAt, long nowNanos) {
    if (sentAt >= windowStart && sentAt < windowEnd) {
      histogram.recordValue(Math.max(0, (nowNanos - origin - sentAt) / 1000));
    }
  }

  @Override
  public String frame(BenchClient client, long nowNanos, long counter, long lagNanos) {
    long at = nowNanos - origin;
    sent.increment();
    if (target == Target.BARE) {
      expectedDeliveries.add(client.group.ready.get() - 1);
    }
    if (at >= windowStart && at < windowEnd) {
      sendLagMicros.recordValue(Math.max(0, lagNanos / 1000));
    }
    return Frames.sendMessage(
        client.group.room, TempIds.format(at, client.index, counter), content);
  }

  // ---- figures

  /**
   * The server's memory at one moment (heap only when asked: it costs a full GC), and its CPU ticks
   * just before and just after the heap was measured: the full collection that measurement forces
   * is the probe's own work, not the connections', so connect CPU is counted from {@code
   * cpuTicksAfter} to the next {@code cpuTicks}.
   */
  record Probe(long rssKb, long heapKb, long cpuTicks, long cpuTicksAfter) {
    static Probe take(ServerProbe server, boolean heap) {
      if (server == null) {
        return new Probe(-1, -1, 0, 0);
      }
      long cpuTicks = server.cpuTicks();
      long heapKb = heap ? server.heapAfterGcKb() : -1;
      // RSS after the collection, as every earlier figure was read.
      return new Probe(server.rssKb(), heapKb, cpuTicks, heap ? server.cpuTicks() : cpuTicks);
    }

    /** Server CPU ticks from the end of this probe to the start of {@code later}. */
    long cpuTicksUntil(Probe later) {
      return later.cpuTicks - cpuTicksAfter;
    }
  }

  static ObjectNode percentiles(Histogram micros) {
    ObjectNode node = JSON.createObjectNode();
    node.put("count", micros.getTotalCount());
    if (micros.getTotalCount() > 0) {
      node.put("p50", millis(micros.getValueAtPercentile(50)));
      node.put("p99", millis(micros.getValueAtPercentile(99)));
      node.put("p999", millis(micros.getValueAtPercentile(99.9)));
      node.put("max", millis(micros.getMaxValue()));
    }
    return node;
  }

  /** Heap figures are left out when not measured (--no-heap, or jcmd failed). */
  private static void putKnown(ObjectNode node, String field, long kb) {
    if (kb >= 0) {
      node.put(field, kb);
    }
  }

  private static ObjectNode counts(Map<String, LongAdder> counters) {
    ObjectNode node = JSON.createObjectNode();
    new TreeMap<>(counters).forEach((k, v) -> node.put(k, v.sum()));
    return node;
  }

  private static double millis(long micros) {
    return round(micros / 1000.0);
  }

  private static double ticksToMillis(long ticks) {
    return ticks * 1000.0 / ServerProbe.TICKS_PER_SECOND;
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
