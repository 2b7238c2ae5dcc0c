package dev.messenger.auth;

import dev.messenger.config.MessengerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.logging.Logger;

/** The node's one ticket book and origin policy, built from configuration. */
@ApplicationScoped
public class AuthBeans {
  private static final Logger LOG = Logger.getLogger(AuthBeans.class.getName());

  @Produces
  @Singleton
  OriginPolicy origins(MessengerConfig config) {
    return new OriginPolicy(config.allowedOrigins().orElse(""));
  }

  /**
   * Builds the origin policy at start-up, so a malformed allowed origin stops the deployment
   * instead of failing the first handshake.
   */
  void atStartup(
      @Observes @Initialized(ApplicationScoped.class) Object ignored, OriginPolicy policy) {
    LOG.info(
        "WebSocket origins allowed besides the server's own: "
            + (policy.allowed().isEmpty() ? "none" : String.join(", ", policy.allowed())));
  }

  @Produces
  @Singleton
  WsTickets tickets(MessengerConfig config) {
    return new WsTickets(
        config.ticketTtl(), config.ticketsMaxPerUser(), Clock.systemUTC(), new SecureRandom());
  }
}
