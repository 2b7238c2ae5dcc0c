package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Browser sign-in: one-time tickets for the socket, the Origin check, and development tokens. The
 * test server runs with a ticket lifetime of {@link #TICKET_TTL} and allows the extra origin {@link
 * #ALLOWED_ORIGIN} (failsafe environment in pom.xml).
 */
class BrowserAuthIT extends GatewayIT {
  private static final Duration TICKET_TTL = Duration.ofMillis(3000);
  private static final String ALLOWED_ORIGIN = "https://app.example.test";

  private String ticketFor(String user) {
    return api.ticket(Tokens.valid(user));
  }

  private URI withTicket(String ticket) {
    return api.socketWithQuery("ticket", ticket);
  }

  private String sameOrigin() {
    URI socket = api.socket();
    return "http://" + socket.getHost() + ":" + socket.getPort();
  }

  @Test
  void theTicketEndpointIssuesAnOpaqueShortLivedTicket() {
    HttpResponse<String> response = api.post("api/ws-tickets", Tokens.valid(user("alice")), "");
    assertEquals(201, response.statusCode(), response::body);
    assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null));
    JsonObject body = Api.json(response.body());
    assertTrue(body.getString("ticket").matches("[A-Za-z0-9_-]{43}"), body::toString);
    long expiresInMs = body.getJsonNumber("expiresInMs").longValue();
    assertTrue(expiresInMs > 0 && expiresInMs <= TICKET_TTL.toMillis(), body::toString);
  }

  @Test
  void theTicketEndpointNeedsABearerToken() throws Exception {
    assertEquals(401, api.post("api/ws-tickets", null, "").statusCode());
    assertEquals(401, api.post("api/ws-tickets", Tokens.expired(user("late")), "").statusCode());
    assertEquals(
        401, api.post("api/ws-tickets", Tokens.signedByAnotherKey(user("x")), "").statusCode());
  }

  @Test
  void aTicketConnectionActsAsTheTicketsUser() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient bobs = joined(bob, chat);
        WsClient alices = WsClient.connect(withTicket(ticketFor(alice)), null)) {
      alices.send("send_message", text(chat, "from a browser", "t-1"));
      assertEquals(chat, alices.expect("message_sent").getString("chatId"));
      JsonObject received = bobs.expect("new_message");
      assertEquals(alice, received.getString("senderId"));
      assertEquals("from a browser", received.getString("content"));
    }
  }

  @Test
  void aTicketUpgradeSetsNoCookie() throws Exception {
    try (RawHandshake socket = RawHandshake.open(withTicket(ticketFor(user("alice"))), Map.of())) {
      assertEquals(101, socket.status(), socket::head);
      assertFalse(socket.head().toLowerCase(Locale.ROOT).contains("set-cookie"), socket::head);
    }
  }

  @Test
  void aTicketWorksOnce() throws Exception {
    String ticket = ticketFor(user("alice"));
    assertEquals(101, WsClient.handshakeStatus(withTicket(ticket), null));
    assertEquals(401, WsClient.handshakeStatus(withTicket(ticket), null));
    try (RawHandshake again = RawHandshake.open(withTicket(ticket), Map.of())) {
      assertEquals(401, again.status());
      assertTrue(again.body().contains("\"code\":\"UNAUTHORIZED\""));
    }
  }

  @Test
  void anExpiredTicketIsRefused() throws InterruptedException {
    String ticket = ticketFor(user("slow"));
    Thread.sleep(TICKET_TTL.plusMillis(500).toMillis()); // waiting for time itself to pass
    assertEquals(401, WsClient.handshakeStatus(withTicket(ticket), null));
  }

  @Test
  void anUnknownOrEmptyTicketIsRefused() {
    assertEquals(
        401,
        WsClient.handshakeStatus(withTicket("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), null));
    assertEquals(401, WsClient.handshakeStatus(withTicket(""), null));
  }

  @Test
  void aBadTicketIsRefusedEvenWithAValidBearerToken() {
    assertEquals(
        401, WsClient.handshakeStatus(withTicket("no-such-ticket"), Tokens.valid(user("bob"))));
  }

  @Test
  void aTokenInTheUrlNeverAuthenticates() {
    String token = Tokens.valid(user("leaky"));
    assertEquals(401, WsClient.handshakeStatus(api.socketWithQuery("token", token), null));
    assertEquals(401, WsClient.handshakeStatus(api.socketWithQuery("access_token", token), null));
    assertEquals(401, WsClient.handshakeStatus(withTicket(token), null));
  }

  @Test
  void connectionLimitsCountTicketConnections() throws InterruptedException {
    String alice = user("alice");
    List<WsClient> open = new ArrayList<>();
    try {
      open.add(connect(alice)); // a bearer-token connection counts too
      open.add(WsClient.connect(withTicket(ticketFor(alice)), null));
      open.add(WsClient.connect(withTicket(ticketFor(alice)), null));
      assertEquals(429, WsClient.handshakeStatus(withTicket(ticketFor(alice)), null));
      open.remove(0).close();
      // The server frees the slot when it sees the close; until then a retry is refused again
      // (and each refused handshake spends its ticket, so every attempt gets a new one).
      long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
      int status = WsClient.handshakeStatus(withTicket(ticketFor(alice)), null);
      while (status == 429 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        status = WsClient.handshakeStatus(withTicket(ticketFor(alice)), null);
      }
      assertEquals(101, status);
    } finally {
      open.forEach(WsClient::close);
    }
  }

  @Test
  void aForeignBrowserOriginIsRefusedWith403BeforeTheTicketIsSpent() throws Exception {
    String ticket = ticketFor(user("alice"));
    try (RawHandshake refused =
        RawHandshake.open(withTicket(ticket), Map.of("Origin", "https://evil.example"))) {
      assertEquals(403, refused.status());
      assertTrue(refused.body().contains("\"code\":\"FORBIDDEN_ORIGIN\""));
    }
    try (RawHandshake accepted =
        RawHandshake.open(withTicket(ticket), Map.of("Origin", ALLOWED_ORIGIN))) {
      assertEquals(101, accepted.status(), "the refused attempt did not use the ticket up");
    }
  }

  @Test
  void originsAreCheckedForBearerTokensToo() throws Exception {
    String token = Tokens.valid(user("bob"));
    Map<String, Integer> expected =
        Map.of(
            "https://evil.example",
            403,
            "http://localhost.evil.example:" + api.socket().getPort(),
            403,
            "null",
            403,
            sameOrigin(),
            101,
            ALLOWED_ORIGIN,
            101);
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      try (RawHandshake handshake =
          RawHandshake.open(
              api.socket(), Map.of("Authorization", "Bearer " + token, "Origin", e.getKey()))) {
        assertEquals(e.getValue(), handshake.status(), e.getKey());
      }
    }
  }

  @Test
  void aClientWithoutAnOriginHeaderStillConnects() throws Exception {
    try (RawHandshake handshake =
        RawHandshake.open(
            api.socket(), Map.of("Authorization", "Bearer " + Tokens.valid(user("c"))))) {
      assertEquals(101, handshake.status());
    }
    try (RawHandshake handshake = RawHandshake.open(withTicket(ticketFor(user("d"))), Map.of())) {
      assertEquals(101, handshake.status());
    }
  }

  @Test
  void aDevelopmentTokenSignsInOverRestAndTheSocket() {
    String carol = user("carol");
    HttpResponse<String> response =
        api.post(
            "api/dev/tokens",
            null,
            Json.createObjectBuilder().add("userId", carol).build().toString());
    assertEquals(200, response.statusCode(), response::body);
    JsonObject body = Api.json(response.body());
    String token = body.getString("token");
    assertTrue(body.getJsonNumber("expiresInMs").longValue() > 0);

    assertEquals(200, api.get("api/chats", token).statusCode());
    String chat = api.createChat(carol);
    try (WsClient viaTicket = WsClient.connect(withTicket(api.ticket(token)), null);
        WsClient viaHeader = WsClient.connect(api.socket(), token)) {
      viaHeader.send("join_chat", data().add("chatId", chat));
      viaHeader.expect("joined_chat");
      viaTicket.send("send_message", text(chat, "hi", "t-1"));
      viaTicket.expect("message_sent");
      assertEquals(carol, viaHeader.expect("new_message").getString("senderId"));
    }
  }

  @Test
  void developmentTokensRefuseBadUserIdsWithAClearError() {
    Map<String, String> bodies =
        Map.of(
            "{\"userId\":\"has space\"}",
            "VALIDATION",
            "{\"userId\":\"\"}",
            "VALIDATION",
            "{\"userId\":42}",
            "VALIDATION",
            "{}",
            "VALIDATION",
            "{\"userId\":\"" + "a".repeat(65) + "\"}",
            "VALIDATION",
            "not json",
            "BAD_REQUEST");
    for (Map.Entry<String, String> e : bodies.entrySet()) {
      HttpResponse<String> response = api.post("api/dev/tokens", null, e.getKey());
      assertEquals(400, response.statusCode(), e.getKey());
      JsonObject error = Api.json(response.body());
      assertEquals(e.getValue(), error.getString("code"), e.getKey());
      assertTrue(!error.getString("message").isBlank());
    }
  }

  @Test
  void theOpenApiDocumentListsTheNewEndpoints() {
    HttpResponse<String> openapi = api.get("openapi", null);
    assertEquals(200, openapi.statusCode());
    assertTrue(openapi.body().contains("/api/ws-tickets:"), openapi::body);
    assertTrue(openapi.body().contains("/api/dev/tokens:"), openapi::body);
  }

  /** Open Liberty's mpOpenAPI serves a UI; Payara Micro serves only the document (README). */
  @Test
  @DisabledIfSystemProperty(named = "messenger.it.server", matches = "payara")
  void theOpenApiUiIsServed() {
    assertEquals(200, api.get("openapi/ui/", null).statusCode());
  }

  /**
   * Every socket is its own handshake's user, even when many users, by ticket and by bearer token,
   * open sockets at the same moment: identity must never leak from one handshake to another.
   */
  @Test
  void simultaneousHandshakesOfDifferentUsersKeepTheirOwnIdentity() throws Exception {
    awaitNoConnections();
    int users = 16;
    List<String> names = new ArrayList<>();
    List<String> chats = new ArrayList<>();
    List<URI> sockets = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String name = user("who" + i);
      names.add(name);
      chats.add(api.createChat(name));
      boolean ticket = i % 2 == 0;
      sockets.add(ticket ? withTicket(ticketFor(name)) : api.socket());
      tokens.add(ticket ? null : Tokens.valid(name));
    }
    ExecutorService pool = Executors.newFixedThreadPool(users);
    CyclicBarrier start = new CyclicBarrier(users);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      int n = i;
      results.add(
          pool.submit(
              () -> {
                start.await();
                try (WsClient client = WsClient.connect(sockets.get(n), tokens.get(n))) {
                  client.send(
                      "send_message",
                      text(chats.get(n), "me", "t-" + n).add("messageType", "TEXT"));
                  JsonObject reply = client.next();
                  return reply.getString("event");
                }
              }));
    }
    try {
      for (int i = 0; i < users; i++) {
        // Only the chat's one member may send to it: a socket with someone else's identity gets an
        // error (NOT_FOUND) instead of message_sent.
        assertEquals("message_sent", results.get(i).get(), names.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < users; i++) {
      JsonArray page =
          Api.json(
                  api.get("api/chats/" + chats.get(i) + "/messages", Tokens.valid(names.get(i)))
                      .body())
              .getJsonArray("messages");
      assertEquals(1, page.size(), names.get(i));
      assertEquals(names.get(i), page.getJsonObject(0).getString("senderId"));
    }
  }
}
