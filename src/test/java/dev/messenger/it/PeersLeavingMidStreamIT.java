package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Peers that close their socket while their chat's messages are being written to them. With inline
 * writes ({@code messenger.outbound.inline-credit-bytes}), frames and the credit's probe ping go
 * out on the thread that also acknowledges the sends, so a write into a link its peer is closing
 * must fail at once, never wait. On a server of its own ({@link OwnServer}), with a small credit so
 * that a probe is due every second frame: one sender streams messages while hundreds of peers join
 * and close mid-stream, four at a time; every send must be acknowledged, and the peer that stays
 * gets every message, once and in order. On a stall the server's threads are dumped.
 *
 * <p>The stall of one CI run (Open Liberty's blocking ping waits for good on a link its peer is
 * closing) needs the peer's close frame to be read between a frame and its probe, a window of
 * microseconds; this test did not hit it in two runs before the fix (1,500 closes), so that case is
 * pinned by ConnectionTest (the probe never uses the blocking remote) and its mechanism was shown
 * on a scratch endpoint (bench/README). What this test guards is the whole path under churn.
 *
 * <p>It also caught (one CI run in five) what churn does to the blocking writes: Open Liberty takes
 * 3 s to close a peer that vanished, and while closes and probes shared one executor, the sender's
 * and the stayer's probes queued behind the leavers' closes (up to 0.8 s measured with {@code
 * -Dit.leavers=800}), holding their frames; closes now have an executor of their own ({@code
 * Connection.BlockingWrites}).
 */
class PeersLeavingMidStreamIT {
  /** A frame of about 450 bytes: the second written inline passes three quarters of the credit. */
  private static final String BODY = "y".repeat(300);

  private static final int CREDIT = 1024;
  private static final int LEAVERS = Integer.getInteger("it.leavers", 400);
  private static final int LEAVING_AT_ONCE = 4;
  private static final int WINDOW = 16;

  private static OwnServer server;
  private static Api api;

  @BeforeAll
  static void startOwnServer() throws Exception {
    server =
        OwnServer.create(
            "leaversServer",
            Integer.getInteger("messenger.it.own-server.http.port", 9280) + 2,
            Map.of(
                "MESSENGER_OUTBOUND_INLINE_CREDIT_BYTES",
                Integer.toString(CREDIT),
                // One user streams thousands of messages a minute: the limit is not under test.
                "MESSENGER_RATELIMIT_MESSAGES_PER_MINUTE",
                "1000000"));
    server.start();
    api = new Api(server.base());
  }

  @AfterAll
  static void stopOwnServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everySendIsAcknowledgedWhilePeersCloseMidStream() throws Exception {
    String sender = user("sender");
    String stayer = user("stayer");
    List<String> leavers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      leavers.add(user("leaver" + i));
    }
    List<String> members = new ArrayList<>(leavers);
    members.add(stayer);
    String chat = api.createChat(sender, members.toArray(String[]::new));

    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean stop = new AtomicBoolean();
    try (WsClient staying = joined(stayer, chat);
        WsClient sending = WsClient.connect(api.socket(), Tokens.valid(sender))) {
      Future<List<String>> streamed = pool.submit(() -> stream(sending, chat, stop));

      // Each leaver joins, reads 0 to 2 of the messages streaming past, and closes mid-stream;
      // several at a time.
      ExecutorService leaving = Executors.newFixedThreadPool(LEAVING_AT_ONCE);
      List<Future<?>> cycles = new ArrayList<>();
      for (int i = 0; i < LEAVERS; i++) {
        String leaver = leavers.get(i % leavers.size());
        int reads = i % 3;
        cycles.add(leaving.submit(() -> joinReadAndClose(leaver, chat, reads)));
      }
      leaving.shutdown();
      for (Future<?> cycle : cycles) {
        try {
          cycle.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
          throw stalled("a peer that joined got no message (" + e + ")", streamed);
        }
      }
      stop.set(true);

      List<String> sent;
      try {
        sent = streamed.get(30, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw stalled("the sender's acknowledgements stopped (" + e + ")", streamed);
      }
      List<String> delivered = new ArrayList<>();
      while (delivered.size() < sent.size()) {
        JsonObject frame = staying.poll(Duration.ofSeconds(10));
        if (frame == null) {
          throw stalled(
              "the peer that stayed got "
                  + delivered.size()
                  + " of "
                  + sent.size()
                  + " messages, then nothing for 10 s; its socket "
                  + (staying.isOpen() ? "open" : "closed: " + staying.closeReason())
                  + (staying.error() == null ? "" : ", error " + staying.error()),
              streamed);
        }
        if ("new_message".equals(frame.getString("event"))) {
          delivered.add(frame.getJsonObject("data").getString("tempId"));
        }
      }
      assertEquals(sent, delivered, "the peer that stayed: every message, once, in order");
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }

  /**
   * Sends with up to {@link #WINDOW} unacknowledged until told to stop, then waits for the rest of
   * the acknowledgements; returns the tempIds sent, every one of them acknowledged, in order.
   */
  private static List<String> stream(WsClient client, String chat, AtomicBoolean stop) {
    List<String> sent = new ArrayList<>();
    int acked = 0;
    while (!stop.get() || acked < sent.size()) {
      if (!stop.get() && sent.size() - acked < WINDOW) {
        String tempId = "m" + sent.size();
        client.send(
            "send_message",
            Json.createObjectBuilder()
                .add("chatId", chat)
                .add("content", BODY + tempId)
                .add("tempId", tempId));
        sent.add(tempId);
        continue;
      }
      JsonObject ack = client.poll(Duration.ofSeconds(5));
      if (ack == null) {
        throw new IllegalStateException(
            "no acknowledgement within 5 s; " + acked + " of " + sent.size() + " acknowledged");
      }
      assertEquals("message_sent", ack.getString("event"), ack::toString);
      assertEquals(sent.get(acked), ack.getJsonObject("data").getString("tempId"), "in order");
      acked++;
    }
    return sent;
  }

  private static void joinReadAndClose(String user, String chat, int reads) {
    try (WsClient leaving = joined(user, chat)) {
      for (int read = 0; read < reads; read++) {
        leaving.await("new_message");
      }
    }
  }

  private static WsClient joined(String user, String chat) {
    WsClient client = WsClient.connect(api.socket(), Tokens.valid(user));
    client.send("join_chat", Json.createObjectBuilder().add("chatId", chat));
    client.await("joined_chat");
    return client;
  }

  private static String user(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * The failure, with what the sender's stream had come to (a stream that died starves every peer,
   * so it is the first thing to know) and the server's threads.
   */
  private static AssertionError stalled(String what, Future<List<String>> streamed)
      throws Exception {
    String stream;
    if (!streamed.isDone()) {
      stream = "still streaming";
    } else {
      try {
        stream = "ended after " + streamed.get().size() + " sends";
      } catch (ExecutionException e) {
        stream = "failed: " + e.getCause();
      }
    }
    Path dump = server.threadDump();
    return new AssertionError(
        what
            + "; the sender's stream "
            + stream
            + "; server threads in "
            + dump
            + ":\n"
            + waitingWriters(dump)
            + "\nthis JVM's client threads:\n"
            + clientThreads());
  }

  /**
   * The test JVM's WebSocket client threads (Tyrus, Grizzly): a client that stopped reading would
   * look, from the server, like a stall of its own.
   */
  private static String clientThreads() {
    StringBuilder threads = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              String frames = Arrays.toString(stack);
              if (frames.contains("tyrus") || frames.contains("grizzly")) {
                threads.append(thread).append(' ').append(thread.getState()).append('\n');
                for (StackTraceElement frame : stack) {
                  threads.append("\tat ").append(frame).append('\n');
                }
              }
            });
    return threads.toString();
  }

  /** The dump's stacks that are inside the WebSocket layer's write gate, if any. */
  private static String waitingWriters(Path dump) throws Exception {
    String text = Files.readString(dump);
    StringBuilder stuck = new StringBuilder();
    for (String thread : text.split("\n\n")) {
      if (thread.contains("okToWrite") || thread.contains("dev.messenger")) {
        stuck.append(thread).append("\n\n");
      }
    }
    return stuck.toString();
  }
}
