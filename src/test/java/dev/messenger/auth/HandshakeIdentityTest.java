package dev.messenger.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class HandshakeIdentityTest {

  /** A JWT principal as MP JWT gives it: sub and exp (seconds) among the claims. */
  private static JsonWebToken jwt(String sub, Long exp) {
    Map<String, Object> claims = new HashMap<>();
    claims.put("sub", sub);
    claims.put("upn", sub + "@upn");
    if (exp != null) {
      claims.put("exp", exp);
    }
    return new JsonWebToken() {
      @Override
      public String getName() {
        return sub + "@upn";
      }

      @Override
      public Set<String> getClaimNames() {
        return claims.keySet();
      }

      @Override
      @SuppressWarnings("unchecked")
      public <T> T getClaim(String name) {
        return (T) claims.get(name);
      }
    };
  }

  @Test
  void withoutHandshakePropertiesBothComeFromTheToken() {
    JsonWebToken token = jwt("alice", 1_700_000_000L);
    assertEquals("alice", HandshakeIdentity.userId(Map.of(), token));
    assertEquals(1_700_000_000_000L, HandshakeIdentity.tokenExpiresAtMillis(Map.of(), token));
  }

  @Test
  void theSessionsOwnPrincipalWinsOverHandshakeProperties() {
    Map<String, Object> props =
        Map.of(HandshakeIdentity.USER_ID, "bob", HandshakeIdentity.TOKEN_EXPIRES_AT, 42L);
    JsonWebToken token = jwt("alice", 1_700_000_000L);
    assertEquals("alice", HandshakeIdentity.userId(props, token));
    assertEquals(1_700_000_000_000L, HandshakeIdentity.tokenExpiresAtMillis(props, token));
    TicketPrincipal ticket = new TicketPrincipal("dora", 7L);
    assertEquals("dora", HandshakeIdentity.userId(props, ticket));
    assertEquals(7L, HandshakeIdentity.tokenExpiresAtMillis(props, ticket));
  }

  @Test
  void handshakePropertiesAreTheFallbackWithoutAPrincipal() {
    Map<String, Object> props =
        Map.of(HandshakeIdentity.USER_ID, "bob", HandshakeIdentity.TOKEN_EXPIRES_AT, 42L);
    assertEquals("bob", HandshakeIdentity.userId(props, null));
    assertEquals(42L, HandshakeIdentity.tokenExpiresAtMillis(props, null));
  }

  @Test
  void aPrincipalWithoutExpiryNeverExpires() {
    Principal plain = () -> "carol";
    assertEquals("carol", HandshakeIdentity.userId(Map.of(), plain));
    assertEquals(HandshakeIdentity.NEVER, HandshakeIdentity.tokenExpiresAtMillis(Map.of(), plain));
    assertEquals(
        HandshakeIdentity.NEVER, HandshakeIdentity.tokenExpiresAtMillis(Map.of(), jwt("a", null)));
  }

  @Test
  void noPrincipalAndNoPropertiesIsNoUser() {
    assertNull(HandshakeIdentity.userId(Map.of(), null));
    assertNull(HandshakeIdentity.userId(Map.of(HandshakeIdentity.USER_ID, " "), null));
  }
}
