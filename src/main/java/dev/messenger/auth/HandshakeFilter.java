package dev.messenger.auth;

import dev.messenger.connection.ConnectionLimits;
import dev.messenger.connection.ConnectionLimits.Admission;
import dev.messenger.connection.ConnectionRegistry;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.security.Principal;
import java.util.Optional;

/**
 * Gate in front of the WebSocket upgrade, in this order: a foreign browser origin gets 403, a
 * handshake without a valid ticket or bearer token 401, one over the connection limits 429, all
 * before any socket exists (some servers would otherwise answer 200 without upgrading).
 *
 * <p>Why the filter authenticates tickets itself: {@code /messenger} is deliberately NOT under the
 * web.xml security constraint, because on a constrained URL the container answers 401 to a
 * browser's ticket handshake (which has no Authorization header) before any application code runs.
 * JWT validation stays with MicroProfile JWT: on an unconstrained URL the server still validates a
 * bearer token that is sent and exposes it as the user principal, so this filter only reads {@link
 * HttpServletRequest#getUserPrincipal()}. Open Liberty does so because {@code webAppSecurity
 * useAuthenticationDataForUnprotectedResource} is on (server.xml states it; AuthIT proves it, bad
 * tokens included); Payara's MP-JWT mechanism runs on every request as well. No server-specific
 * code is needed here, so the WAR stays portable. A ticket caller is passed on as a {@link
 * TicketPrincipal} through a request wrapper, which the endpoint's configurator reads exactly like
 * a JWT principal.
 *
 * <p>The upgrade goes on with a request that creates no HTTP session: Open Liberty's WebSocket
 * layer asks every handshake for one ({@code getSession()}, for {@code
 * HandshakeRequest.getHttpSession()}), which made a session per connection, a {@code JSESSIONID}
 * cookie on every 101, and a session that outlived the socket by the session timeout (30 minutes by
 * default), so reconnecting clients piled sessions up on the node. The gateway keeps no state in
 * HTTP sessions; a session the client already has is still passed on.
 */
@WebFilter(urlPatterns = "/messenger", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {
  private static final int SWITCHING_PROTOCOLS = 101;
  private static final int TOO_MANY_REQUESTS = 429;
  static final String TICKET_PARAMETER = "ticket";

  @EJB ConnectionRegistry registry;
  @Inject WsTickets tickets;
  @Inject OriginPolicy origins;

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    // Before authentication, so a hostile page cannot even spend a ticket it got hold of.
    if (!origins.allows(
        request.getHeader("Origin"), request.getScheme(), request.getHeader("Host"))) {
      refuse(
          response,
          HttpServletResponse.SC_FORBIDDEN,
          "FORBIDDEN_ORIGIN",
          "this origin may not open the socket");
      return;
    }
    Optional<Principal> caller = authenticate(request);
    if (caller.isEmpty()) {
      boolean ticket = request.getParameterValues(TICKET_PARAMETER) != null;
      refuse(
          response,
          HttpServletResponse.SC_UNAUTHORIZED,
          "UNAUTHORIZED",
          ticket
              ? "the ticket is unknown, expired or already used"
              : "a valid bearer token or ticket is required");
      return;
    }
    Principal principal = caller.get();
    HttpServletRequest onward =
        new UpgradeRequest(request, principal instanceof TicketPrincipal ? principal : null);
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      chain.doFilter(onward, response);
      return;
    }
    String userId = UserIds.of(principal);
    Admission admission = registry.admit(userId);
    if (admission instanceof Admission.Refused refused) {
      ConnectionLimits.Reason reason = refused.reason();
      refuse(response, reason.httpStatus(), reason.code(), reason.text());
      return;
    }
    boolean upgraded = false;
    try {
      chain.doFilter(onward, response);
      upgraded = response.getStatus() == SWITCHING_PROTOCOLS;
    } finally {
      if (!upgraded) {
        registry.aborted(userId);
      }
    }
  }

  /**
   * A {@code ticket} query parameter decides alone (a bad ticket is refused even when a bearer
   * token is also present); otherwise the container's JWT principal. Tokens in the URL ({@code
   * ?token=}, {@code ?access_token=}) are never read: URLs end up in logs and browser history.
   */
  private Optional<Principal> authenticate(HttpServletRequest request) {
    String[] ticket = request.getParameterValues(TICKET_PARAMETER);
    if (ticket != null) {
      if (ticket.length != 1) {
        return Optional.empty();
      }
      return tickets
          .redeem(ticket[0])
          .map(holder -> new TicketPrincipal(holder.userId(), holder.tokenExpiresAtMs()));
    }
    Principal principal = request.getUserPrincipal();
    return UserIds.of(principal) == null ? Optional.empty() : Optional.of(principal);
  }

  /**
   * The handshake as the WebSocket container sees it: a ticket's user as its principal (the
   * container knows only JWT callers), and no HTTP session created for it.
   */
  static final class UpgradeRequest extends HttpServletRequestWrapper {
    /** Null: the container's own principal (a JWT caller). */
    private final Principal ticketHolder;

    UpgradeRequest(HttpServletRequest request, Principal ticketHolder) {
      super(request);
      this.ticketHolder = ticketHolder;
    }

    @Override
    public Principal getUserPrincipal() {
      return ticketHolder == null ? super.getUserPrincipal() : ticketHolder;
    }

    @Override
    public String getRemoteUser() {
      return ticketHolder == null ? super.getRemoteUser() : ticketHolder.getName();
    }

    /** The client's existing session, if any; never a new one. */
    @Override
    public HttpSession getSession() {
      return getSession(false);
    }

    @Override
    public HttpSession getSession(boolean create) {
      return super.getSession(false);
    }
  }

  static void refuse(HttpServletResponse response, int status, String code, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "no-store");
    if (status == TOO_MANY_REQUESTS || status == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
      response.setHeader("Retry-After", "5");
    }
    response
        .getWriter()
        .write(
            Json.createObjectBuilder()
                .add("code", code)
                .add("message", message)
                .build()
                .toString());
  }
}
