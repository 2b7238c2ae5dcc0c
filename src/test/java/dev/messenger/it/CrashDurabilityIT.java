package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Durability against a {@code kill -9} and a graceful {@code server stop}, on a server of its own
 * ({@link OwnServer}: Arquillian's server must not be killed). Several clients send pipelined
 * messages while the server dies; every message acknowledged by {@code message_sent} must be in the
 * history afterwards, exactly once, and resending with the same {@code tempId} must give the
 * original message back without storing or broadcasting it again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashDurabilityIT {
  private static final int SENDERS = 3;

  /** Unacknowledged messages a sender keeps in flight, so some are mid-commit at the kill. */
  private static final int WINDOW = 16;

  private static OwnServer server;
  private static Api api;
  private static String chat;
  private static final List<String> senders = new ArrayList<>();
  private static final String watcher = "watcher-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startOwnServer() throws Exception {
    int port = Integer.getInteger("messenger.it.own-server.http.port", 9280);
    server =
        OwnServer.create(
            "crashServer",
            port,
            Map.of(
                // Thousands of messages a minute from three users: the limit is not under test.
                "MESSENGER_RATELIMIT_MESSAGES_PER_MINUTE", "1000000",
                // The watcher resumes after the restart from where its socket died: how far it lags
                // the store then depends on the machine (up to every sender's window, plus its own
                // outgoing queue); the replay cap (50 in the failsafe environment) is not under
                // test.
                "MESSENGER_REPLAY_MAX_EVENTS", "100000",
                "MESSENGER_MONITOR_TICK_MS", "250",
                "MESSENGER_SHUTDOWN_GRACE_MS", "2000"));
    server.start();
    api = new Api(server.base());
    for (int i = 0; i < SENDERS; i++) {
      senders.add("sender" + i + "-" + UUID.randomUUID().toString().substring(0, 8));
    }
    chat = api.createChat(watcher, senders.toArray(String[]::new));
  }

  @AfterAll
  static void stopOwnServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** What one sender sent and which acknowledgements it saw before its connection died. */
  record Sent(
      String user,
      List<String> tempIds,
      Map<String, String> acked,
      CloseReason close,
      long closedAtNanos,
      long lastSendNanos,
      Throwable error) {

    /** How the socket ended, relative to {@code sinceNanos}: for the log when a close surprises. */
    String describe(long sinceNanos) {
      return user
          + ": "
          + close
          + " at +"
          + (closedAtNanos - sinceNanos) / 1_000_000
          + " ms, last send at +"
          + (lastSendNanos - sinceNanos) / 1_000_000
          + " ms"
          + (error == null ? "" : ", error " + error);
    }
  }

  @Test
  @Order(1)
  void noAcknowledgedMessageIsLostOrDuplicatedByAKill9() throws Exception {
    WsClient watching = joined(watcher, 0);
    Senders sending = new Senders("k");
    sending.awaitAcks(150);
    server.kill();
    List<Sent> before = sending.collect();
    int ackedBefore = before.stream().mapToInt(s -> s.acked().size()).sum();
    int sentBefore = before.stream().mapToInt(s -> s.tempIds().size()).sum();
    assertTrue(ackedBefore >= 150, "acknowledged before the kill: " + ackedBefore);
    List<JsonObject> deliveredBefore = drain(watching, "new_message");

    server.start();

    // What is under test is the send journal: the restart replayed it before taking traffic (how
    // many messages the store lacked depends on when H2 last wrote its store out before the kill).
    String startLog = Files.readString(server.messagesLog());
    assertTrue(startLog.contains("Acknowledged sends are journaled in"), "send journal not in use");
    String journalLines =
        startLog.lines().filter(l -> l.contains("Send journal ")).collect(Collectors.joining("\n"));
    System.out.println(journalLines);

    // Zero lost: every acknowledged message is there with the id it was acknowledged with.
    Map<String, JsonObject> history = history();
    for (Sent s : before) {
      s.acked()
          .forEach(
              (tempId, messageId) -> {
                JsonObject stored = history.get(key(s.user(), tempId));
                assertNotNull(stored, () -> "acknowledged message lost: " + tempId);
                assertEquals(messageId, stored.getString("messageId"));
              });
    }

    // A watcher resumes from the last seq it holds without a gap, as the README tells clients to.
    long resumeFrom = contiguousPrefix(deliveredBefore);
    WsClient resumed = connect(watcher);
    resumed.send(
        "join_chat", Json.createObjectBuilder().add("chatId", chat).add("lastSeq", resumeFrom));
    List<JsonObject> replayed = new ArrayList<>();
    JsonObject joined = framesUntilJoined(resumed, replayed);
    System.out.println(
        "Resumed from seq " + resumeFrom + ", replayed " + replayed.size() + ": " + joined);
    assertFalse(
        joined.getBoolean("reloadRequired"),
        () ->
            "resumed from seq "
                + resumeFrom
                + " of "
                + deliveredBefore.size()
                + " delivered before the kill, "
                + ackedBefore
                + " acknowledged, "
                + sentBefore
                + " sent; after the restart: "
                + joined
                + ", history "
                + history.size()
                + "\n"
                + journalLines);

    // Resend safety: every sender resends everything it sent (acknowledged or not) after the
    // restart. Stored ones come back with their original id and are not broadcast again.
    Set<String> storedBeforeResend = new HashSet<>(history.keySet());
    Map<String, String> resentAcks = new HashMap<>();
    Set<String> expectedBroadcasts = new HashSet<>();
    for (Sent s : before) {
      try (WsClient client = connect(s.user())) {
        for (String tempId : s.tempIds()) {
          client.send("send_message", message(tempId));
          JsonObject ack = client.expect("message_sent");
          assertEquals(tempId, ack.getString("tempId"));
          String key = key(s.user(), tempId);
          JsonObject stored = history.get(key);
          if (stored != null) {
            assertEquals(stored.getString("messageId"), ack.getString("messageId"), key);
            assertEquals(
                stored.getJsonNumber("seq").longValue(), ack.getJsonNumber("seq").longValue());
          } else {
            expectedBroadcasts.add(key);
          }
          resentAcks.put(key, ack.getString("messageId"));
        }
      }
    }
    List<JsonObject> liveAfter = drainFor(resumed, Duration.ofSeconds(1));
    Set<String> broadcast = new HashSet<>();
    for (JsonObject frame : liveAfter) {
      if (frame.getString("event").equals("new_message")) {
        JsonObject data = frame.getJsonObject("data");
        assertTrue(
            broadcast.add(key(data.getString("senderId"), data.getString("tempId"))),
            () -> "broadcast twice: " + frame);
      }
    }
    assertEquals(expectedBroadcasts, broadcast, "only messages not stored before are broadcast");

    // Exactly once in the history, every one of them.
    Map<String, JsonObject> after = history();
    assertEquals(sentBefore, after.size(), "one stored message per distinct tempId");
    resentAcks.forEach((key, id) -> assertEquals(id, after.get(key).getString("messageId"), key));
    assertTrue(after.keySet().containsAll(storedBeforeResend));

    // Delivered once: across the live stream before the kill, the replay and the live stream
    // after, each message has one seq, and nothing in the history was missed.
    Map<String, Long> seqOf = new HashMap<>();
    List<JsonObject> everything = new ArrayList<>(deliveredBefore);
    everything.addAll(replayed);
    liveAfter.stream()
        .filter(f -> f.getString("event").equals("new_message"))
        .map(f -> f.getJsonObject("data"))
        .forEach(everything::add);
    for (JsonObject m : everything) {
      Long previous =
          seqOf.putIfAbsent(m.getString("messageId"), m.getJsonNumber("seq").longValue());
      assertTrue(
          previous == null || previous == m.getJsonNumber("seq").longValue(),
          () -> "one message under two seqs: " + m);
    }
    Set<String> delivered = seqOf.keySet();
    for (JsonObject m : after.values()) {
      assertTrue(delivered.contains(m.getString("messageId")), () -> "never delivered: " + m);
    }
    assertEquals(after.size(), delivered.size());
    resumed.close();
    watching.close();
  }

  @Test
  @Order(2)
  void aGracefulStopEndsEverySocketRefusesHandshakesAndLosesNothing() throws Exception {
    // The watcher only receives: it sends no frame after its join, so the monitor's idle check sees
    // nothing from it while the chat's traffic keeps its socket busy for longer than the idle
    // timeout (4 s here, from the failsafe environment). It must stay connected through that, and,
    // writing nothing, it must get the drain's 1001 without exception.
    WsClient watching = joined(watcher, 0);
    long watchingSince = System.nanoTime();
    Senders sending = new Senders("g");
    sending.awaitAcks(60);
    Duration busyFor = Duration.ofSeconds(7);
    while (System.nanoTime() - watchingSince < busyFor.toNanos()) {
      Thread.sleep(100);
      assertTrue(
          watching.isOpen(),
          () -> "a member only receiving a busy chat was closed: " + watching.closeReason());
    }

    // A prober opens a fresh handshake every few milliseconds while the server stops.
    List<String> probes = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean probing = new AtomicBoolean(true);
    ExecutorService prober = Executors.newSingleThreadExecutor();
    Future<?> probe =
        prober.submit(
            () -> {
              String token = Tokens.valid("prober-" + UUID.randomUUID());
              while (probing.get()) {
                probes.add(probe(token));
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    long stopBegan = System.nanoTime();
    Process stopping = server.beginStop();
    List<Sent> before = sending.collect();
    assertTrue(server.awaitExit(Duration.ofSeconds(60)), "server did not stop");
    assertTrue(stopping.waitFor(30, TimeUnit.SECONDS));
    probing.set(false);
    probe.get(10, TimeUnit.SECONDS);
    prober.shutdown();

    // The stop drains the node first (ops/stop-liberty-gracefully.sh): without it Liberty's quiesce
    // drops every socket without a close frame (1006). Liberty closes TCP right after writing its
    // close frame, so a frame still arriving from a sender would be answered with a reset that can
    // discard the close frame (1006 again): the drain closes a socket only once its peer has been
    // silent for a moment, and the senders stop once their window of unacknowledged sends is full,
    // as acknowledgements stop during the drain. Every one of them gets the 1001.
    before.forEach(s -> System.out.println("after the drain, " + s.describe(stopBegan)));
    for (Sent s : before) {
      assertNotNull(s.close(), s.user() + " was never closed");
      assertEquals(1001, s.close().getCloseCode().getCode(), () -> s.describe(stopBegan));
      assertEquals("server shutting down", s.close().getReasonPhrase());
    }
    CloseReason watcherClose = watching.awaitClose();
    assertEquals(1001, watcherClose.getCloseCode().getCode(), watcherClose::toString);
    assertEquals("server shutting down", watcherClose.getReasonPhrase());
    System.out.println("probes during stop: " + summarize(probes));
    int firstRefusal = indexOfRefusal(probes);
    assertTrue(firstRefusal < probes.size(), () -> "no handshake refused: " + summarize(probes));
    assertTrue(
        probes.subList(firstRefusal, probes.size()).stream().noneMatch(p -> p.startsWith("101")),
        () -> "a handshake upgraded after the stop refused one: " + summarize(probes));
    // Drained before Liberty stops listening: handshakes in between get a clear 503, not a reset.
    assertTrue(
        probes.stream().anyMatch(p -> p.startsWith("503 ")),
        () -> "no handshake got 503 during the drain: " + summarize(probes));
    probes.stream()
        .filter(p -> p.startsWith("503 "))
        .forEach(p -> assertTrue(p.contains("SHUTTING_DOWN"), p));

    server.start();
    Map<String, JsonObject> history = history();
    for (Sent s : before) {
      s.acked()
          .forEach(
              (tempId, id) ->
                  assertEquals(
                      id,
                      history.get(key(s.user(), tempId)).getString("messageId"),
                      "acknowledged before the stop, lost: " + tempId));
    }
  }

  // ---- senders

  /** Pipelined senders, one per user and thread, until their connection dies or they are told. */
  private static final class Senders {
    private final ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
    private final List<Future<Sent>> running = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger acks = new AtomicInteger();

    Senders(String round) {
      for (String user : senders) {
        WsClient client = connect(user);
        running.add(pool.submit(() -> send(round, user, client, stop, acks)));
      }
    }

    void awaitAcks(int count) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (acks.get() < count) {
        if (System.nanoTime() > deadline) {
          fail("only " + acks.get() + " acknowledgements");
        }
        Thread.sleep(5);
      }
    }

    /** Waits for every sender to see its connection die, then stops them all. */
    List<Sent> collect() throws Exception {
      List<Sent> results = new ArrayList<>();
      for (Future<Sent> f : running) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      stop.set(true);
      pool.shutdown();
      return results;
    }
  }

  private static Sent send(
      String round, String user, WsClient client, AtomicBoolean stop, AtomicInteger acks) {
    List<String> tempIds = new ArrayList<>();
    Map<String, String> acked = new LinkedHashMap<>();
    long lastSend = 0;
    int n = 0;
    while (!stop.get()) {
      if (tempIds.size() - acked.size() < WINDOW && client.isOpen()) {
        String tempId = round + "-" + n++;
        lastSend = System.nanoTime();
        try {
          client.send("send_message", message(tempId));
          tempIds.add(tempId);
        } catch (IllegalStateException e) {
          // The socket died under the send: the frame may or may not have left.
          tempIds.add(tempId);
        }
      }
      JsonObject frame =
          client.poll(Duration.ofMillis(tempIds.size() - acked.size() < WINDOW ? 0 : 50));
      if (frame != null) {
        assertEquals("message_sent", frame.getString("event"), frame::toString);
        JsonObject data = frame.getJsonObject("data");
        acked.put(data.getString("tempId"), data.getString("messageId"));
        acks.incrementAndGet();
      } else if (!client.isOpen()) {
        break;
      }
    }
    // Frames that arrived before the connection closed still count.
    for (JsonObject f = client.poll(Duration.ofMillis(200));
        f != null;
        f = client.poll(Duration.ZERO)) {
      JsonObject data = f.getJsonObject("data");
      acked.put(data.getString("tempId"), data.getString("messageId"));
    }
    CloseReason close = client.closeReason();
    client.close();
    return new Sent(user, tempIds, acked, close, client.closedAtNanos(), lastSend, client.error());
  }

  private static JsonObjectBuilder message(String tempId) {
    return Json.createObjectBuilder()
        .add("chatId", chat)
        .add("content", "durable " + tempId)
        .add("tempId", tempId);
  }

  // ---- readers

  private static WsClient connect(String user) {
    return WsClient.connect(api.socket(), Tokens.valid(user));
  }

  private static WsClient joined(String user, long lastSeq) {
    WsClient client = connect(user);
    client.send(
        "join_chat", Json.createObjectBuilder().add("chatId", chat).add("lastSeq", lastSeq));
    client.await("joined_chat");
    return client;
  }

  private static JsonObject framesUntilJoined(WsClient client, List<JsonObject> replayed) {
    while (true) {
      JsonObject frame = client.next();
      if (frame.getString("event").equals("joined_chat")) {
        return frame.getJsonObject("data");
      }
      assertEquals("new_message", frame.getString("event"), frame::toString);
      replayed.add(frame.getJsonObject("data"));
    }
  }

  private static List<JsonObject> drain(WsClient client, String event) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject f = client.poll(Duration.ofMillis(500));
        f != null;
        f = client.poll(Duration.ofMillis(100))) {
      assertEquals(event, f.getString("event"), f::toString);
      out.add(f.getJsonObject("data"));
    }
    return out;
  }

  private static List<JsonObject> drainFor(WsClient client, Duration quiet) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject f = client.poll(quiet); f != null; f = client.poll(quiet)) {
      out.add(f);
    }
    return out;
  }

  /** The highest seq such that every seq up to it was received. */
  private static long contiguousPrefix(List<JsonObject> messages) {
    Set<Long> seqs = new HashSet<>();
    messages.forEach(m -> seqs.add(m.getJsonNumber("seq").longValue()));
    long n = 0;
    while (seqs.contains(n + 1)) {
      n++;
    }
    return n;
  }

  /** The whole history over REST, keyed by sender and tempId; fails on a duplicate. */
  private static Map<String, JsonObject> history() {
    Map<String, JsonObject> byKey = new HashMap<>();
    Set<Long> seqs = new HashSet<>();
    String before = null;
    do {
      HttpResponse<String> response =
          api.get(
              "api/chats/"
                  + chat
                  + "/messages?limit=200"
                  + (before == null ? "" : "&before=" + before),
              Tokens.valid(watcher));
      assertEquals(200, response.statusCode(), response::body);
      JsonObject page = Api.json(response.body());
      for (JsonValue v : page.getJsonArray("messages")) {
        JsonObject m = v.asJsonObject();
        String key =
            key(m.getString("senderId"), m.getString("content").substring("durable ".length()));
        assertNull(byKey.put(key, m), () -> "stored twice: " + key);
        assertTrue(seqs.add(m.getJsonNumber("seq").longValue()), () -> "seq used twice: " + m);
      }
      before = page.isNull("nextBefore") ? null : page.getString("nextBefore");
    } while (before != null);
    return byKey;
  }

  private static String key(String user, String tempId) {
    return user + "/" + tempId;
  }

  // ---- probes

  private static String probe(String token) {
    try (RawHandshake h = RawHandshake.open(api.socket(), token)) {
      int status = h.status();
      return status == 101 ? "101" : status + " " + h.body();
    } catch (ConnectException e) {
      return "refused";
    } catch (IOException e) {
      return "io " + e.getClass().getSimpleName();
    }
  }

  private static String summarize(List<String> probes) {
    List<String> runs = new ArrayList<>();
    String last = null;
    int count = 0;
    for (String p : probes) {
      String kind = p.length() > 40 ? p.substring(0, 40) : p;
      if (kind.equals(last)) {
        count++;
      } else {
        if (last != null) {
          runs.add(count + "x " + last);
        }
        last = kind;
        count = 1;
      }
    }
    if (last != null) {
      runs.add(count + "x " + last);
    }
    return runs.toString();
  }

  private static int indexOfRefusal(List<String> probes) {
    for (int i = 0; i < probes.size(); i++) {
      if (!probes.get(i).startsWith("101")) {
        return i;
      }
    }
    return probes.size();
  }
}
