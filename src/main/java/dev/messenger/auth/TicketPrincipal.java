package dev.messenger.auth;

import java.security.Principal;

/** The caller of a handshake that presented a valid one-time ticket. */
public record TicketPrincipal(String userId, long tokenExpiresAtMs) implements Principal {
  @Override
  public String getName() {
    return userId;
  }
}
