package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Connection limits at the handshake and per-user rate limits. The test server runs with a total
 * limit of 40 connections (failsafe environment) so the node-wide limit is reachable.
 */
class LimitsIT extends GatewayIT {
  private static final int TOTAL_LIMIT = 40;

  @Test
  void twentySimultaneousConnectsOfOneUserAdmitExactlyThree() throws Exception {
    awaitNoConnections();
    String alice = user("alice");
    String token = Tokens.valid(alice);
    ExecutorService pool = Executors.newFixedThreadPool(20);
    CyclicBarrier start = new CyclicBarrier(20);
    List<Future<Object>> attempts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      attempts.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  return WsClient.open(api.socket(), token);
                } catch (jakarta.websocket.DeploymentException e) {
                  return WsClient.statusOf(e);
                }
              }));
    }
    List<WsClient> open = new ArrayList<>();
    List<Integer> refused = new ArrayList<>();
    for (Future<Object> attempt : attempts) {
      Object result = attempt.get();
      if (result instanceof WsClient c) {
        open.add(c);
      } else {
        refused.add((Integer) result);
      }
    }
    pool.shutdown();
    try {
      assertEquals(3, open.size());
      assertEquals(17, refused.size());
      assertTrue(refused.stream().allMatch(s -> s == 429), refused::toString);
      assertTrue(metric("messenger_connections_refused_total", "reason=per_user") >= 17);
    } finally {
      open.forEach(WsClient::close);
    }
  }

  @Test
  void theNodeWideLimitRefusesWith429AndAReason() throws Exception {
    awaitNoConnections();
    List<WsClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < TOTAL_LIMIT; i++) {
        open.add(connect(user("crowd")));
      }
      String extra = user("one-too-many");
      assertEquals(429, WsClient.handshakeStatus(api.socket(), Tokens.valid(extra)));
      try (RawHandshake refused = RawHandshake.open(api.socket(), Tokens.valid(extra))) {
        assertEquals(429, refused.status());
        assertTrue(refused.body().contains("too many connections"));
      }
      assertTrue(metric("messenger_connections_refused_total", "reason=total") >= 1);
    } finally {
      open.forEach(WsClient::close);
    }
  }

  // Buckets refill continuously while a test sends (0.5 tokens/s for messages, 1/s for reactions,
  // 2/s for typing), so each test sends until the first refusal and checks it came after the
  // capacity plus what refilled in the time the test really took: a slow machine earns a few more
  // tokens, never the 2x burst of a fixed window.

  /**
   * The most a bucket of {@code capacity} per minute can have admitted since {@code startNanos}.
   */
  private static int mostAdmitted(int capacity, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return capacity + (int) Math.ceil(seconds * capacity / 60.0) + 1;
  }

  @Test
  void messagesBeyondThirtyAMinuteAreRateLimited() {
    String alice = user("alice");
    String chat = api.createChat(alice);
    try (WsClient client = connect(alice)) {
      long start = System.nanoTime();
      for (int i = 0; i < 60; i++) {
        client.send("send_message", text(chat, "m" + i, "t-" + i));
        JsonObject frame = client.next();
        if (frame.getString("event").equals("error")) {
          JsonObject error = frame.getJsonObject("data");
          assertError(error, "RATE_LIMITED", "send_message");
          assertEquals("t-" + i, error.getString("tempId"));
          assertTrue(error.getJsonNumber("retryAfterMs").longValue() > 0);
          int most = mostAdmitted(30, start);
          assertTrue(
              i >= 30 && i <= most, "refused after " + i + " messages, expected 30.." + most);
          assertTrue(metric("messenger_rate_limited_total", "action=message") >= 1);
          return;
        }
        assertEquals("message_sent", frame.getString("event"));
      }
      fail("60 messages in a row were accepted");
    }
  }

  @Test
  void reactionsBeyondSixtyAMinuteAreRateLimited() {
    String alice = user("alice");
    String chat = api.createChat(alice);
    try (WsClient client = joined(alice, chat)) {
      client.send("send_message", text(chat, "react", "t-1"));
      String id = client.expect("message_sent").getString("messageId");
      long start = System.nanoTime();
      for (int i = 0; i < 120; i++) {
        client.send("add_reaction", data().add("messageId", id).add("emoji", "e" + i));
        JsonObject frame = client.next();
        if (frame.getString("event").equals("error")) {
          JsonObject error = frame.getJsonObject("data");
          assertError(error, "RATE_LIMITED", "add_reaction");
          assertTrue(error.getJsonNumber("retryAfterMs").longValue() > 0);
          int most = mostAdmitted(60, start);
          assertTrue(
              i >= 60 && i <= most, "refused after " + i + " reactions, expected 60.." + most);
          return;
        }
        assertEquals("reaction_added", frame.getString("event"));
      }
      fail("120 reactions in a row were accepted");
    }
  }

  @Test
  void typingBeyondOneHundredTwentyAMinuteIsRateLimited() {
    String alice = user("alice");
    String chat = api.createChat(alice);
    try (WsClient client = joined(alice, chat)) {
      // Accepted typing events send nothing back to their author; only refusals do.
      for (int i = 0; i < 140; i++) {
        client.send("typing_start", data().add("chatId", chat));
      }
      JsonObject error = client.expect("error");
      assertError(error, "RATE_LIMITED", "typing_start");
      assertTrue(error.getJsonNumber("retryAfterMs").longValue() > 0);
      assertTrue(metric("messenger_rate_limited_total", "action=typing") >= 1);
    }
  }
}
