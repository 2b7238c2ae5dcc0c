package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Long-lived connections and expiring tokens. Tokens here live a few seconds: Liberty accepts them
 * at the handshake (they are not expired yet, and its 5 s clock skew only widens that), and the
 * monitor (250 ms ticks on the test server) closes the socket once {@code exp} has passed.
 */
class TokenExpiryIT extends GatewayIT {
  private static final Duration TTL = Duration.ofSeconds(3);

  @Test
  void aConnectionIsClosedWith1008WhenItsTokenExpires() {
    String alice = user("alice");
    long start = System.nanoTime();
    try (WsClient client = WsClient.connect(api.socket(), Tokens.validFor(alice, TTL))) {
      CloseReason reason = client.awaitClose();
      long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertEquals(1008, reason.getCloseCode().getCode(), reason::toString);
      assertEquals("token expired", reason.getReasonPhrase());
      // exp has whole-second precision, so it may fall up to 1 s before now + TTL.
      assertTrue(elapsedMs >= TTL.toMillis() - 1_200, "closed after only " + elapsedMs + " ms");
    }
  }

  @Test
  void aFreshTokenBeforeExpiryKeepsTheConnectionOpen() {
    String alice = user("alice");
    try (WsClient client = WsClient.connect(api.socket(), Tokens.validFor(alice, TTL))) {
      client.send(
          "refresh_token", data().add("token", Tokens.validFor(alice, Duration.ofHours(1))));
      Instant expiresAt = Instant.parse(client.expect("token_refreshed").getString("expiresAt"));
      assertTrue(
          expiresAt.isAfter(Instant.now().plus(Duration.ofMinutes(59))), expiresAt::toString);

      client.expectSilence(TTL.plusSeconds(2)); // past the first token's expiry
      assertTrue(client.isOpen());
      client.send("leave_chat", data().add("chatId", "any"));
      client.expect("left_chat");
    }
  }

  @Test
  void refusedRefreshesKeepTheOldExpiry() throws Exception {
    String alice = user("alice");
    Duration ttl = Duration.ofSeconds(5);
    long start = System.nanoTime();
    try (WsClient client = WsClient.connect(api.socket(), Tokens.validFor(alice, ttl))) {
      refused(client, Tokens.valid(user("mallory")), "FORBIDDEN", "another user");
      refused(client, Tokens.expired(alice), "VALIDATION", "expired");
      refused(client, Tokens.wrongIssuer(alice), "VALIDATION", "issuer");
      refused(client, Tokens.algNone(alice), "VALIDATION", "signed");
      refused(client, Tokens.signedByAnotherKey(alice), "VALIDATION", "signature");
      refused(client, Tokens.tamperedPayload(alice, user("x")), "VALIDATION", "signature");
      refused(client, "not-a-jwt", "VALIDATION", "signed");
      client.send("refresh_token", data().add("token", 42));
      assertError(client.expect("error"), "VALIDATION", "refresh_token");

      CloseReason reason = client.awaitClose();
      assertEquals(1008, reason.getCloseCode().getCode(), reason::toString);
      long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertTrue(elapsedMs >= ttl.toMillis() - 1_200, "closed after only " + elapsedMs + " ms");
    }
  }

  private static void refused(WsClient client, String token, String code, String why) {
    client.send("refresh_token", data().add("token", token));
    JsonObject error = client.expect("error");
    assertError(error, code, "refresh_token");
    assertTrue(error.getString("message").contains(why), error::toString);
  }
}
