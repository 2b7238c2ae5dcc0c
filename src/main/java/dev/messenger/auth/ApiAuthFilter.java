package dev.messenger.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Refuses REST calls without a valid bearer token (401), except the development sign-in. The REST
 * API is not under a web.xml security constraint, for the same reason as the socket (see {@link
 * HandshakeFilter}): Payara answers an unauthenticated request to a constrained URL with an empty
 * 200 instead of 401. MicroProfile JWT still validates any token that is sent (a bad one is refused
 * by the server before this filter), so this only checks that a caller is there.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class ApiAuthFilter extends HttpFilter {
  static final String OPEN_PREFIX = "/api/dev/";

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (path.startsWith(OPEN_PREFIX) || UserIds.of(request.getUserPrincipal()) != null) {
      chain.doFilter(request, response);
      return;
    }
    response.setHeader("WWW-Authenticate", "Bearer");
    HandshakeFilter.refuse(
        response,
        HttpServletResponse.SC_UNAUTHORIZED,
        "UNAUTHORIZED",
        "a valid bearer token is required");
  }
}
