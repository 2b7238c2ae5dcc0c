package dev.messenger.gateway;

import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Handshake policy of the endpoint. The container builds this class itself (no injection), so it
 * reads MicroProfile Config directly.
 */
public class GatewayConfigurator extends ServerEndpointConfig.Configurator {

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
