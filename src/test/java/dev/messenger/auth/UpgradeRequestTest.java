package dev.messenger.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpgradeRequestTest {
  /** Records each getSession call as its create flag ("()" for the no-argument form). */
  private final List<String> sessionCalls = new ArrayList<>();

  private final Principal jwtCaller = () -> "jwt-user";

  private HttpSession existing;

  private final HttpServletRequest container =
      (HttpServletRequest)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {HttpServletRequest.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "getSession" -> {
                      sessionCalls.add(args == null ? "()" : String.valueOf(args[0]));
                      yield args != null && !(Boolean) args[0] ? existing : null;
                    }
                    case "getUserPrincipal" -> jwtCaller;
                    case "getRemoteUser" -> "jwt-user";
                    default -> throw new UnsupportedOperationException(method.getName());
                  });

  @Test
  void neverAsksTheContainerToCreateASession() {
    HandshakeFilter.UpgradeRequest request = new HandshakeFilter.UpgradeRequest(container, null);

    assertNull(request.getSession());
    assertNull(request.getSession(true));
    assertNull(request.getSession(false));

    assertEquals(List.of("false", "false", "false"), sessionCalls);
  }

  @Test
  void passesOnTheSessionTheClientAlreadyHas() {
    existing =
        (HttpSession)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpSession.class},
                (proxy, method, args) -> null);
    HandshakeFilter.UpgradeRequest request = new HandshakeFilter.UpgradeRequest(container, null);

    assertSame(existing, request.getSession());
    assertSame(existing, request.getSession(true));
  }

  @Test
  void aJwtCallerStaysTheContainersPrincipal() {
    HandshakeFilter.UpgradeRequest request = new HandshakeFilter.UpgradeRequest(container, null);

    assertSame(jwtCaller, request.getUserPrincipal());
    assertEquals("jwt-user", request.getRemoteUser());
  }

  @Test
  void aTicketHolderBecomesThePrincipal() {
    TicketPrincipal holder = new TicketPrincipal("ticket-user", 0);
    HandshakeFilter.UpgradeRequest request = new HandshakeFilter.UpgradeRequest(container, holder);

    assertSame(holder, request.getUserPrincipal());
    assertEquals("ticket-user", request.getRemoteUser());
  }
}
