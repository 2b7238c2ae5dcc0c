package dev.messenger.auth;

import dev.messenger.connection.ConnectionLimits;
import dev.messenger.connection.ConnectionLimits.Admission;
import dev.messenger.connection.ConnectionRegistry;
import jakarta.ejb.EJB;
import jakarta.json.Json;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Gate in front of the WebSocket upgrade: refuses unauthenticated handshakes with 401 (some servers
 * would otherwise answer 200 without upgrading) and over-limit ones with 429, before any socket
 * exists.
 */
@WebFilter(urlPatterns = "/messenger", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {
  private static final int SWITCHING_PROTOCOLS = 101;
  private static final int TOO_MANY_REQUESTS = 429;

  @EJB ConnectionRegistry registry;

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String userId = UserIds.of(request.getUserPrincipal());
    if (userId == null) {
      refuse(
          response,
          HttpServletResponse.SC_UNAUTHORIZED,
          "UNAUTHORIZED",
          "a valid bearer token is required");
      return;
    }
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      chain.doFilter(request, response);
      return;
    }
    Admission admission = registry.admit(userId);
    if (admission instanceof Admission.Refused refused) {
      ConnectionLimits.Reason reason = refused.reason();
      refuse(response, reason.httpStatus(), reason.code(), reason.text());
      return;
    }
    boolean upgraded = false;
    try {
      chain.doFilter(request, response);
      upgraded = response.getStatus() == SWITCHING_PROTOCOLS;
    } finally {
      if (!upgraded) {
        registry.aborted(userId);
      }
    }
  }

  private static void refuse(HttpServletResponse response, int status, String code, String message)
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
