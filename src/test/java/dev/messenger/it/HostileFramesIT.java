package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.DecodeResult;
import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.FrameDecoder;
import dev.messenger.protocol.ProtocolLimits;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * Generated garbage against the live endpoint: every frame must be answered with the {@code error}
 * the decoder predicts (or closed with 1009 when oversize, 1007 when not UTF-8), the server log
 * must show no new failure, a bystander pair must lose nothing, and the heap must come back near
 * its baseline. The seed is fixed, so a failure reproduces; its frame is in the message.
 */
class HostileFramesIT extends GatewayIT {
  private static final long SEED = 0xBADF00DL;
  private static final int FRAMES = 10_000;
  private static final int HOSTILE_CONNECTIONS = 3;
  private static final int BATCH = 50;
  private static final int FRAME_LIMIT = 65_536;
  private static final Path LOG =
      Path.of("target/liberty/wlp/usr/servers/messengerServer/logs/messages.log");

  /** The server's limits (defaults, unchanged by the failsafe environment). */
  private static final FrameDecoder ORACLE =
      new FrameDecoder(new ProtocolLimits(4000, 10, 32, 255));

  /**
   * Answers a frame that decodes may get: the chat or message does not exist, the rate limit, or
   * the token is no token.
   */
  private static final Set<String> DECODED_ERRORS =
      Set.of("NOT_FOUND", "RATE_LIMITED", "VALIDATION", "FORBIDDEN");

  @Test
  void tenThousandHostileFramesAreEachAnsweredAndHurtNobody() throws Exception {
    long heapBefore = heapAfterGc();
    long logStart = Files.size(LOG);

    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    AtomicBoolean fuzzing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(HOSTILE_CONNECTIONS + 1);
    Future<Integer> bystanders = pool.submit(() -> chatter(alice, bob, chat, fuzzing));

    long start = System.nanoTime();
    List<Future<int[]>> hostile = new ArrayList<>();
    for (int c = 0; c < HOSTILE_CONNECTIONS; c++) {
      int id = c;
      hostile.add(pool.submit(() -> fuzz(id, FRAMES / HOSTILE_CONNECTIONS + 1)));
    }
    int answered = 0;
    int closes = 0;
    int tooBigCloses = 0;
    for (Future<int[]> f : hostile) {
      int[] counts = f.get(120, TimeUnit.SECONDS);
      answered += counts[0];
      closes += counts[1];
      tooBigCloses += counts[2];
    }
    fuzzing.set(false);
    int chatted = bystanders.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    System.out.printf(
        "fuzz: %d frames answered, %d policy closes, %d bystander messages, %d s%n",
        answered, closes, chatted, seconds);
    assertTrue(answered + closes >= FRAMES, "frames: " + (answered + closes));
    assertTrue(closes > 0, "the oversize frames must have been closed");
    assertTrue(tooBigCloses > 0, "no oversize frame was closed with 1009");
    assertTrue(chatted >= 10, "bystanders exchanged only " + chatted);

    assertNoNewFailuresInTheLog(logStart);
    long heapAfter = heapAfterGc();
    // Generous: class loading, JIT and pools warm up; a leak of 10,000 frames would be far more.
    assertTrue(
        heapAfter < heapBefore + 64L * 1024 * 1024,
        "heap after GC went from " + heapBefore / 1_048_576 + " MB to " + heapAfter / 1_048_576);
  }

  // ---- the hostile connections

  /**
   * Sends {@code count} frames in pipelined batches; returns {answered, closed, closed with 1009}.
   */
  private int[] fuzz(int id, int count) throws Exception {
    Random random = new Random(SEED + id);
    Frames frames = new Frames(random);
    String user = user("hostile" + id);
    WsClient client = connect(user);
    int answered = 0;
    int closes = 0;
    int tooBigCloses = 0;
    int sent = 0;
    while (sent < count) {
      if (sent % 500 == 499) {
        // Oversize: the container refuses it with 1009; the client reconnects and goes on.
        client.sendRaw(frames.oversize());
        CloseReason reason = client.awaitClose();
        int code = reason.getCloseCode().getCode();
        // The server closes with 1009 as soon as the frame's header shows its length. If the client
        // is still writing the frame's tail then, the server's TCP stack resets the connection for
        // the unread bytes and the close frame can be lost on the way (RFC 6455 7.1.7: the client
        // sees 1006). Counted apart, so the run still proves 1009 itself.
        assertTrue(code == 1009 || code == 1006, reason::toString);
        tooBigCloses += code == 1009 ? 1 : 0;
        closes++;
        sent++;
        client = connect(user);
        continue;
      }
      if (sent % 1000 == 998) {
        closes += notUtf8(user, random);
        sent++;
        continue;
      }
      List<String> batch = new ArrayList<>();
      for (int i = 0; i < BATCH && sent < count && sent % 500 != 499 && sent % 1000 != 998; i++) {
        // What the socket carries is UTF-8: an unpaired surrogate in a Java string is sent as '?'.
        String frame =
            new String(frames.next().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        batch.add(frame);
        client.sendRaw(frame);
        sent++;
      }
      List<JsonObject> replies = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        replies.add(client.next());
      }
      check(batch, replies);
      answered += replies.size();
    }
    client.close();
    return new int[] {answered, closes, tooBigCloses};
  }

  /**
   * Every frame of a batch got its answer. Matched as a multiset, not in order: a decoded {@code
   * send_message} is answered after its commit (or refusal) by the store's writer, so its {@code
   * error} may overtake or trail the answers to the frames around it.
   */
  private static void check(List<String> batch, List<JsonObject> replies) {
    Map<String, Integer> expectedRejections = new HashMap<>();
    int leaves = 0;
    int decoded = 0;
    for (String frame : batch) {
      DecodeResult predicted = ORACLE.decode(frame);
      if (predicted instanceof DecodeResult.Rejected rejected) {
        expectedRejections.merge(rejected.code().name(), 1, Integer::sum);
      } else if (((DecodeResult.Decoded) predicted).event() instanceof ClientEvent.LeaveChat) {
        leaves++;
      } else {
        decoded++;
      }
    }
    Map<String, Integer> errorCodes = new HashMap<>();
    int leftChats = 0;
    for (JsonObject reply : replies) {
      String event = reply.getString("event");
      if (event.equals("left_chat")) {
        leftChats++;
        continue;
      }
      assertEquals("error", event, () -> "reply " + reply + " to the batch " + shown(batch));
      String code = reply.getJsonObject("data").getString("code");
      assertNotEquals(ErrorCode.INTERNAL.name(), code, () -> "reply " + reply);
      errorCodes.merge(code, 1, Integer::sum);
    }
    assertEquals(leaves, leftChats, () -> "left_chat replies to " + shown(batch));
    // Each rejection the decoder predicts is there; what is left are the decoded events' refusals.
    Map<String, Integer> rest = new HashMap<>(errorCodes);
    expectedRejections.forEach(
        (code, count) -> {
          int got = rest.getOrDefault(code, 0);
          assertTrue(
              got >= count,
              () -> count + " x " + code + " expected, got " + errorCodes + " for " + shown(batch));
          rest.put(code, got - count);
        });
    int decodedRefusals = 0;
    for (Map.Entry<String, Integer> e : rest.entrySet()) {
      if (e.getValue() > 0) {
        assertTrue(
            DECODED_ERRORS.contains(e.getKey()),
            () -> "unexpected " + e.getKey() + " in " + errorCodes + " for " + shown(batch));
        decodedRefusals += e.getValue();
      }
    }
    assertEquals(decoded, decodedRefusals, () -> "refusals " + errorCodes + " for " + shown(batch));
  }

  private static String shown(List<String> batch) {
    StringBuilder text = new StringBuilder();
    for (String frame : batch) {
      text.append(frame.length() > 200 ? frame.substring(0, 200) + "…" : frame).append('\n');
    }
    return text.toString();
  }

  /** A text frame whose payload is not UTF-8: RFC 6455 requires closing with 1007. */
  private int notUtf8(String user, Random random) throws IOException {
    try (RawHandshake raw = RawHandshake.open(api.socket(), Tokens.valid(user))) {
      assertEquals(101, raw.status());
      byte[] garbage = new byte[1 + random.nextInt(64)];
      random.nextBytes(garbage);
      garbage[0] = (byte) 0xC3; // a lead byte ...
      if (garbage.length > 1) {
        garbage[1] = (byte) 0x28; // ... followed by an invalid continuation
      }
      raw.sendBinaryAsText(garbage);
      RawHandshake.Close close = raw.readClose();
      assertNotNull(close, "no close frame for a text frame that is not UTF-8");
      assertEquals(1007, close.code(), close::toString);
      return 1;
    }
  }

  // ---- the bystanders

  /** Alice and Bob alternate messages until the fuzzing ends; each must see all the other's. */
  private int chatter(String alice, String bob, String chat, AtomicBoolean fuzzing)
      throws InterruptedException {
    try (WsClient a = joined(alice, chat);
        WsClient b = joined(bob, chat)) {
      int n = 0;
      // One message a second each: inside the 30/min budget for a minute, longer than the fuzz;
      // at least 10 even when the fuzz is over sooner.
      while ((fuzzing.get() || n < 10) && n < 58) {
        WsClient from = n % 2 == 0 ? a : b;
        WsClient to = n % 2 == 0 ? b : a;
        String tempId = "chat-" + n;
        from.send("send_message", text(chat, "bystander " + n, tempId));
        from.expect("message_sent");
        JsonObject got = to.expect("new_message");
        assertEquals(tempId, got.getString("tempId"), "lost or out of order");
        n++;
        Thread.sleep(500);
      }
      return n;
    }
  }

  // ---- the server's health

  /**
   * New lines in the server log since {@code offset} that report a failure: an error or warning
   * level, or a stack trace. The run's own frames are the only traffic meanwhile (failsafe runs one
   * test class at a time).
   */
  /**
   * The container's own incident records of the two protocol closes this test provokes on purpose
   * (oversize frame: 1009; text frame that is not UTF-8: 1007), logged at INFO level; and, seen
   * once in CI when such a close came before Liberty had finished the upgrade request the socket
   * began with, its HTTP channel's record of finishing that request ("Request not read yet", from
   * {@code finishResponseMessage}). Nothing else is excused.
   */
  private static final Pattern PROVOKED =
      Pattern.compile(
          "FFDC1015I: An FFDC Incident has been created: \"(com\\.ibm\\.ws\\.wsoc\\.MaxMessageException:"
              + " CWWKH0037E|java\\.nio\\.charset\\.MalformedInputException: Input length = \\d+"
              + " com\\.ibm\\.ws\\.wsoc\\.link\\.LinkRead|java\\.io\\.IOException: Request not read yet"
              + " com\\.ibm\\.ws\\.http\\.channel\\.internal\\.inbound\\.HttpInboundServiceContextImpl"
              + "\\.finishResponseMessage)");

  private static void assertNoNewFailuresInTheLog(long offset) throws IOException {
    byte[] all = Files.readAllBytes(LOG);
    String added = new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    // Liberty's line: [date] thread logger LEVEL message; E = error, W = warning.
    Pattern failure =
        Pattern.compile("^\\[[^\\]]+\\] \\S+ \\S+\\s+[EW] |Exception|ERROR|SEVERE|\\tat ");
    List<String> bad =
        added
            .lines()
            .filter(line -> failure.matcher(line).find())
            .filter(line -> !PROVOKED.matcher(line).find())
            .limit(20)
            .toList();
    assertTrue(bad.isEmpty(), () -> "the server logged failures:\n" + String.join("\n", bad));
  }

  /**
   * Used heap after a full GC, asked for through the local JMX connector the test server already
   * runs for Arquillian (test-only configuration), and read from the base metrics.
   */
  private long heapAfterGc() throws Exception {
    Path address =
        Path.of(
            "target/liberty/wlp/usr/servers/messengerServer/logs/state/com.ibm.ws.jmx.local.address");
    try (JMXConnector jmx =
        JMXConnectorFactory.connect(new JMXServiceURL(Files.readString(address).trim()))) {
      MBeanServerConnection server = jmx.getMBeanServerConnection();
      ObjectName memory = new ObjectName(ManagementFactory.MEMORY_MXBEAN_NAME);
      server.invoke(memory, "gc", null, null);
      server.invoke(memory, "gc", null, null);
    }
    String base = api.get("metrics?scope=base", null).body();
    var m =
        Pattern.compile("(?m)^memory_usedHeap_bytes(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(base);
    if (!m.find()) {
      fail("no memory_usedHeap_bytes in the base metrics");
    }
    return (long) Double.parseDouble(m.group(1));
  }

  // ---- the generator

  /** Hostile frames of many kinds, drawn from a seeded random. */
  private static final class Frames {
    private static final List<String> VALID =
        List.of(
            "{\"event\":\"send_message\",\"data\":{\"chatId\":\"c1\",\"content\":\"hello\",\"tempId\":\"t1\"}}",
            "{\"event\":\"edit_message\",\"data\":{\"messageId\":\"m1\",\"content\":\"x\"}}",
            "{\"event\":\"delete_message\",\"data\":{\"messageId\":\"m1\"}}",
            "{\"event\":\"join_chat\",\"data\":{\"chatId\":\"c1\",\"lastSeq\":42}}",
            "{\"event\":\"typing_start\",\"data\":{\"chatId\":\"c1\"}}",
            "{\"event\":\"add_reaction\",\"data\":{\"messageId\":\"m1\",\"emoji\":\"+1\"}}",
            "{\"event\":\"refresh_token\",\"data\":{\"token\":\"a.b.c\"}}",
            "{\"event\":\"send_message\",\"data\":{\"chatId\":\"c1\",\"content\":\"\",\"messageType\":\"IMAGE\","
                + "\"tempId\":\"t2\",\"attachments\":[{\"url\":\"https://x.example/a.png\",\"name\":\"a\","
                + "\"size\":12}]}}");
    private static final List<String> NASTY =
        List.of(
            "\\u0000",
            "\\ud800",
            "\\udc00",
            "\\udc00\\ud800",
            "\uD83D\uDE00",
            "\uFEFF",
            "\u202E",
            "\u2028",
            "\\",
            "\"",
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "null",
            "true",
            "1e999999999",
            "-1",
            "9".repeat(400),
            "1.5",
            "-0",
            "0x10",
            "NaN",
            "\u0085",
            "\uFFFF",
            "𝕏");
    private static final List<String> VALUES =
        List.of(
            "1",
            "-1",
            "1e400",
            "[]",
            "{}",
            "true",
            "null",
            "\"\"",
            "\" \"",
            "1.0",
            "99999999999999999999999",
            "\"\\ud800\"",
            "\"a\\u0000b\"",
            "[1,[2,[3]]]");

    private final Random random;

    Frames(Random random) {
      this.random = random;
    }

    String next() {
      return switch (random.nextInt(9)) {
        case 0 -> randomText(random.nextInt(200));
        case 1 -> {
          String v = pick(VALID);
          yield v.substring(0, random.nextInt(v.length()));
        }
        case 2 -> {
          int depth = 33 + random.nextInt(3000);
          yield "{\"event\":\"send_message\",\"data\":"
              + "[".repeat(depth)
              + "]".repeat(depth)
              + "}";
        }
        case 3 -> wrongType();
        case 4 ->
            "{\"event\":\""
                + randomText(1 + random.nextInt(80)).replace("\\", "").replace("\"", "")
                + "\",\"data\":{}}";
        case 5 -> splice(pick(VALID), pick(NASTY));
        case 6 ->
            "{\"event\":\"join_chat\",\"data\":{\"chatId\":\"c1\",\"lastSeq\":"
                + pick(
                    List.of("1e999", "-1", "1.5", "9".repeat(1200), "-0.0", "18446744073709551616"))
                + "}}";
        case 7 ->
            "{\"event\":\"send_message\",\"data\":{\"chatId\":\"c1\",\"tempId\":\"big\","
                + "\"content\":\""
                + "y".repeat(4001 + random.nextInt(50_000))
                + "\"}}";
        default -> mutate(pick(VALID));
      };
    }

    /** Over the frame limit, otherwise a perfectly good frame. */
    String oversize() {
      return "{\"event\":\"send_message\",\"data\":{\"chatId\":\"c1\",\"tempId\":\"t\",\"content\":\""
          + "z".repeat(FRAME_LIMIT + random.nextInt(10_000))
          + "\"}}";
    }

    private String wrongType() {
      String v = pick(VALID);
      // Replace the first string value after a key with some other JSON value.
      int colon = v.indexOf(":\"", v.indexOf("\"data\""));
      if (colon < 0) {
        return v;
      }
      int end = v.indexOf('"', colon + 2);
      return v.substring(0, colon + 1) + pick(VALUES) + v.substring(end + 1);
    }

    private String splice(String v, String piece) {
      int at = random.nextInt(v.length() + 1);
      return v.substring(0, at) + piece + v.substring(at);
    }

    private String mutate(String v) {
      StringBuilder b = new StringBuilder(v);
      int edits = 1 + random.nextInt(4);
      for (int i = 0; i < edits && b.length() > 0; i++) {
        int at = random.nextInt(b.length());
        switch (random.nextInt(3)) {
          case 0 -> b.deleteCharAt(at);
          case 1 -> b.insert(at, (char) random.nextInt(0x3000));
          default -> b.setCharAt(at, (char) (32 + random.nextInt(95)));
        }
      }
      return b.toString();
    }

    private String randomText(int length) {
      StringBuilder b = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        b.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x10000)));
      }
      return b.toString();
    }

    private <T> T pick(List<T> list) {
      return list.get(random.nextInt(list.size()));
    }
  }
}
