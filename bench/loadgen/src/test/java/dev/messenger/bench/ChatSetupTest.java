package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatSetupTest {
  @Test
  void anUnreachableServerIsANamedSetupError() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ChatSetup setup = new ChatSetup(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(5));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> setup.create(List.of(List.of("a", "b")), new String[] {"t"}, 1));
    assertTrue(e.getMessage().contains("ConnectException"), e.getMessage());
  }

  @Test
  void aRefusedCreationCarriesTheStatusAndBody() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/chats",
        exchange -> {
          byte[] body = "{\"code\":\"VALIDATION\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(400, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      ChatSetup setup =
          new ChatSetup(
              URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
              Duration.ofSeconds(5));
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> setup.create(List.of(List.of("a", "b")), new String[] {"t"}, 1));
      assertTrue(
          e.getMessage().contains("400") && e.getMessage().contains("VALIDATION"), e.getMessage());
    } finally {
      server.stop(0);
    }
  }
}
