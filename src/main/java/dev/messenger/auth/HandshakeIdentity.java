package dev.messenger.auth;

import jakarta.json.JsonNumber;
import java.security.Principal;
import java.util.Map;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who opened a socket and until when their token is valid. The session's principal decides: the MP
 * JWT of a bearer handshake, or the {@link TicketPrincipal} that {@link HandshakeFilter} puts on a
 * ticket handshake; it belongs to that one handshake by construction. The user properties that the
 * endpoint configurator copies from the handshake are only a fallback for a server that does not
 * pass the request's principal on to the session.
 */
public final class HandshakeIdentity {
  /** The user id (a {@code String}), set by a handshake that has no JWT principal. */
  public static final String USER_ID = "messenger.user-id";

  /** Epoch milliseconds (a {@code Long}) after which the connection's credentials are expired. */
  public static final String TOKEN_EXPIRES_AT = "messenger.token-expires-at";

  /** For a principal that carries no expiry: the connection never expires by itself. */
  public static final long NEVER = Long.MAX_VALUE;

  private HandshakeIdentity() {}

  public static String userId(Map<String, Object> userProperties, Principal principal) {
    String fromPrincipal = UserIds.of(principal);
    if (fromPrincipal != null) {
      return fromPrincipal;
    }
    return userProperties.get(USER_ID) instanceof String id && !id.isBlank() ? id : null;
  }

  public static long tokenExpiresAtMillis(Map<String, Object> userProperties, Principal principal) {
    if (principal instanceof TicketPrincipal ticket) {
      return ticket.tokenExpiresAtMs();
    }
    if (!(principal instanceof JsonWebToken)
        && userProperties.get(TOKEN_EXPIRES_AT) instanceof Number at) {
      return at.longValue();
    }
    if (principal instanceof JsonWebToken jwt) {
      // Not getExpirationTime(): it unboxes the claim and throws when a token has none.
      Object exp = jwt.getClaim(Claims.exp.name());
      if (exp instanceof JsonNumber n) {
        exp = n.longValue();
      }
      if (exp instanceof Number seconds && seconds.longValue() > 0) {
        return Math.multiplyExact(seconds.longValue(), 1000L);
      }
    }
    return NEVER;
  }
}
