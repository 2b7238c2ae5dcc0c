package dev.messenger.gateway;

import dev.messenger.auth.HandshakeIdentity;
import dev.messenger.auth.UserIds;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Handshake policy of the endpoint. The container builds this class itself (no injection), so it
 * reads MicroProfile Config directly.
 */
public class GatewayConfigurator extends ServerEndpointConfig.Configurator {

  /**
   * Hands the handshake's user (a JWT's {@code sub}, or a ticket's user, as admitted by {@code
   * HandshakeFilter}) to the endpoint. Since WebSocket 2.1 these user properties are a copy per
   * connection, and they become the session's user properties.
   */
  @Override
  public void modifyHandshake(
      ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
    Principal principal = request.getUserPrincipal();
    String userId = UserIds.of(principal);
    if (userId != null) {
      config.getUserProperties().put(HandshakeIdentity.USER_ID, userId);
      long expiresAt = HandshakeIdentity.tokenExpiresAtMillis(Map.of(), principal);
      if (expiresAt != HandshakeIdentity.NEVER) {
        config.getUserProperties().put(HandshakeIdentity.TOKEN_EXPIRES_AT, expiresAt);
      }
    }
  }

  /** permessage-deflate costs memory and CPU per connection: only when configured. */
  @Override
  public List<Extension> getNegotiatedExtensions(
      List<Extension> installed, List<Extension> requested) {
    boolean compression =
        ConfigProvider.getConfig()
            .getOptionalValue("messenger.websocket.compression", Boolean.class)
            .orElse(false);
    return compression ? super.getNegotiatedExtensions(installed, requested) : List.of();
  }
}
