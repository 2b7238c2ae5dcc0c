package dev.messenger.auth;

import dev.messenger.config.MessengerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;

/** The node's one ticket book, built from configuration. */
@ApplicationScoped
public class AuthBeans {

  @Produces
  @Singleton
  WsTickets tickets(MessengerConfig config) {
    return new WsTickets(
        config.ticketTtl(), config.ticketsMaxPerUser(), Clock.systemUTC(), new SecureRandom());
  }
}
