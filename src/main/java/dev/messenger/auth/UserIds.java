package dev.messenger.auth;

import java.security.Principal;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who a handshake or request belongs to. The user id is the token's {@code sub} ({@code
 * Principal.getName()} would give {@code upn} instead), or the user a ticket was issued to.
 */
public final class UserIds {
  /**
   * Handshake user property (String): the authenticated user id, set by the endpoint configurator.
   */
  public static final String USER_ID_PROPERTY = "messenger.user-id";

  /**
   * Handshake user property (Long, epoch ms): when the token that authenticated the connection
   * expires; for a ticket connection, the token the ticket was obtained with.
   */
  public static final String TOKEN_EXPIRES_AT_PROPERTY = "messenger.token-expires-at";

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

  /**
   * When the principal's token expires (epoch ms), or null when the principal carries no expiry.
   */
  public static Long tokenExpiresAtMs(Principal principal) {
    if (principal instanceof TicketPrincipal ticket) {
      return ticket.tokenExpiresAtMs();
    }
    if (principal instanceof JsonWebToken jwt && jwt.getExpirationTime() > 0) {
      return jwt.getExpirationTime() * 1000;
    }
    return null;
  }
}
