package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Every bad token is refused with HTTP 401 before the upgrade; any valid token's sub is a user. */
class AuthIT extends GatewayIT {

  @Test
  void validTokenUpgrades() {
    assertEquals(101, WsClient.handshakeStatus(api.socket(), Tokens.valid(user("alice"))));
  }

  /**
   * No HTTP session per connection: no cookie on the 101, nothing left on the server after the
   * socket (Open Liberty's WebSocket layer made one for every handshake).
   */
  @Test
  void theUpgradeSetsNoCookie() throws Exception {
    try (RawHandshake socket = RawHandshake.open(api.socket(), Tokens.valid(user("alice")))) {
      assertEquals(101, socket.status(), socket::head);
      assertFalse(socket.head().toLowerCase(Locale.ROOT).contains("set-cookie"), socket::head);
    }
  }

  @Test
  void tokenWithoutGroupsIsStillAUser() {
    assertEquals(
        101, WsClient.handshakeStatus(api.socket(), Tokens.withoutGroups(user("nogroups"))));
  }

  @Test
  void missingTokenIsRefused() {
    assertEquals(401, WsClient.handshakeStatus(api.socket(), null));
  }

  @Test
  void malformedTokenIsRefused() {
    assertEquals(401, WsClient.handshakeStatus(api.socket(), "not.a.jwt"));
  }

  @Test
  void expiredTokenIsRefused() {
    assertEquals(401, WsClient.handshakeStatus(api.socket(), Tokens.expired(user("late"))));
  }

  @Test
  void tokenSignedByAnotherKeyIsRefused() throws Exception {
    assertEquals(
        401, WsClient.handshakeStatus(api.socket(), Tokens.signedByAnotherKey(user("mallory"))));
  }

  @Test
  void unsignedAlgNoneTokenIsRefused() {
    assertEquals(401, WsClient.handshakeStatus(api.socket(), Tokens.algNone(user("mallory"))));
  }

  @Test
  void tokenFromAnotherIssuerIsRefused() {
    assertEquals(401, WsClient.handshakeStatus(api.socket(), Tokens.wrongIssuer(user("mallory"))));
  }

  @Test
  void tamperedPayloadIsRefused() {
    assertEquals(
        401,
        WsClient.handshakeStatus(
            api.socket(), Tokens.tamperedPayload(user("mallory"), user("victim"))));
  }

  @Test
  void restApiNeedsAToken() {
    assertEquals(401, api.get("api/chats", null).statusCode());
    assertEquals(401, api.get("api/chats", Tokens.expired(user("late"))).statusCode());
    assertEquals(200, api.get("api/chats", Tokens.valid(user("bob"))).statusCode());
  }
}
