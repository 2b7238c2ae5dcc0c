package dev.messenger.auth;

import java.security.Principal;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who a handshake or request belongs to. The user id is the token's {@code sub} ({@code
 * Principal.getName()} would give {@code upn} instead), or the user a ticket was issued to.
 */
public final class UserIds {
  private UserIds() {}

  /** The user id of an authenticated principal, or null when there is none. */
  public static String of(Principal principal) {
    if (principal == null) {
      return null;
    }
    if (principal instanceof TicketPrincipal ticket) {
      return ticket.getName();
    }
    if (principal instanceof JsonWebToken jwt && jwt.getSubject() != null) {
      return jwt.getSubject();
    }
    return principal.getName();
  }
}
