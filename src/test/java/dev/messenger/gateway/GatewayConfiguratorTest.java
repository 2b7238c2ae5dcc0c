package dev.messenger.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.messenger.auth.HandshakeIdentity;
import dev.messenger.auth.TicketPrincipal;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The handshake's user reaches the endpoint through the agreed user properties. */
class GatewayConfiguratorTest {

  private static Map<String, Object> propertiesAfterHandshake(Principal principal) {
    GatewayConfigurator configurator = new GatewayConfigurator();
    ServerEndpointConfig config =
        ServerEndpointConfig.Builder.create(MessengerEndpoint.class, "/messenger")
            .configurator(configurator)
            .build();
    configurator.modifyHandshake(config, request(principal), null);
    return config.getUserProperties();
  }

  @Test
  void aTokenGivesItsSubjectAndExpiry() {
    Map<String, Object> properties =
        propertiesAfterHandshake(jwt("alice", "alice@upn", 1_800_000_000L));
    assertEquals("alice", properties.get(HandshakeIdentity.USER_ID), "sub, not upn");
    assertEquals(1_800_000_000_000L, properties.get(HandshakeIdentity.TOKEN_EXPIRES_AT));
  }

  @Test
  void aTicketGivesItsUserAndTheExpiryOfTheTokenItCameFrom() {
    Map<String, Object> properties =
        propertiesAfterHandshake(new TicketPrincipal("bob", 1_800_000_123_456L));
    assertEquals("bob", properties.get(HandshakeIdentity.USER_ID));
    assertEquals(1_800_000_123_456L, properties.get(HandshakeIdentity.TOKEN_EXPIRES_AT));
  }

  @Test
  void noPrincipalSetsNothing() {
    Map<String, Object> properties = propertiesAfterHandshake(null);
    assertFalse(properties.containsKey(HandshakeIdentity.USER_ID));
    assertFalse(properties.containsKey(HandshakeIdentity.TOKEN_EXPIRES_AT));
  }

  private static JsonWebToken jwt(String sub, String upn, long exp) {
    Map<String, Object> claims = Map.of("sub", sub, "upn", upn, "exp", exp);
    return new JsonWebToken() {
      @Override
      public String getName() {
        return upn;
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

  private static HandshakeRequest request(Principal principal) {
    return new HandshakeRequest() {
      @Override
      public Map<String, List<String>> getHeaders() {
        return Map.of();
      }

      @Override
      public Principal getUserPrincipal() {
        return principal;
      }

      @Override
      public URI getRequestURI() {
        return URI.create("/messenger");
      }

      @Override
      public boolean isUserInRole(String role) {
        return false;
      }

      @Override
      public Object getHttpSession() {
        return null;
      }

      @Override
      public Map<String, List<String>> getParameterMap() {
        return Map.of();
      }

      @Override
      public String getQueryString() {
        return null;
      }
    };
  }
}
