package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.auth.AuthenticationException;
import org.glassfish.tyrus.client.exception.DeploymentHandshakeException;
import org.glassfish.tyrus.core.HandshakeException;

/**
 * A Tyrus client for the tests: frames land in a queue that tests read with a timeout (never a
 * sleep).
 */
public final class WsClient implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ClientManager TYRUS = ClientManager.createClient();

  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
  private volatile Throwable error;
  private volatile long closedAtNanos;
  private Session session;

  private WsClient() {}

  /**
   * Connects with {@code Authorization: Bearer token}; fails the test if the handshake is refused.
   */
  public static WsClient connect(URI socket, String token) {
    try {
      return open(socket, token);
    } catch (DeploymentException | IOException e) {
      return fail("handshake refused: " + e, e);
    }
  }

  /** Tries a handshake; returns 101 when it upgraded (and closes it), else the HTTP status. */
  public static int handshakeStatus(URI socket, String token) {
    try (WsClient client = open(socket, token)) {
      return 101;
    } catch (DeploymentException e) {
      return statusOf(e);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static int statusOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DeploymentHandshakeException d) {
        return d.getHttpStatusCode();
      }
      if (t instanceof AuthenticationException) {
        return 401; // Tyrus reports a 401 it cannot answer with credentials this way
      }
      if (t instanceof HandshakeException h) {
        return h.getHttpStatusCode();
      }
    }
    throw new IllegalStateException("handshake failed without an HTTP status", e);
  }

  static WsClient open(URI socket, String token) throws DeploymentException, IOException {
    return open(socket, token, List.of());
  }

  /** Connects asking the server for the given extensions (e.g. permessage-deflate). */
  static WsClient open(URI socket, String token, List<Extension> extensions)
      throws DeploymentException, IOException {
    WsClient client = new WsClient();
    ClientEndpointConfig config =
        ClientEndpointConfig.Builder.create()
            .extensions(extensions)
            .configurator(
                new ClientEndpointConfig.Configurator() {
                  @Override
                  public void beforeRequest(Map<String, List<String>> headers) {
                    if (token != null) {
                      headers.put("Authorization", List.of("Bearer " + token));
                    }
                  }
                })
            .build();
    client.session =
        TYRUS.connectToServer(
            new Endpoint() {
              @Override
              public void onOpen(Session session, EndpointConfig endpointConfig) {
                session.addMessageHandler(
                    String.class,
                    (MessageHandler.Whole<String>)
                        text ->
                            client.frames.add(
                                Json.createReader(new StringReader(text)).readObject()));
              }

              @Override
              public void onClose(Session session, CloseReason reason) {
                client.closedAtNanos = System.nanoTime();
                client.closed.complete(reason);
              }

              @Override
              public void onError(Session session, Throwable thr) {
                client.error = thr;
              }
            },
            config,
            socket);
    return client;
  }

  public void send(String event, JsonObjectBuilder data) {
    sendRaw(Json.createObjectBuilder().add("event", event).add("data", data).build().toString());
  }

  /**
   * Sends a text frame. A socket that dies under the send fails with IllegalStateException, however
   * Tyrus reports it (an IOException, or a RejectedExecutionException from the closed session's
   * idle-timer executor).
   */
  public void sendRaw(String text) {
    try {
      session.getBasicRemote().sendText(text);
    } catch (IOException | RejectedExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  public Session session() {
    return session;
  }

  /** The next frame, whatever it is. */
  public JsonObject next() {
    try {
      JsonObject frame = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (frame == null) {
        fail("no frame within " + TIMEOUT);
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next frame if one arrives within {@code wait}, else null (for clients that may die). */
  public JsonObject poll(Duration wait) {
    try {
      return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What Tyrus reported through onError, if anything (why a close was abnormal). */
  public Throwable error() {
    return error;
  }

  /** When onClose ran ({@link System#nanoTime()}); 0 while open. */
  public long closedAtNanos() {
    return closedAtNanos;
  }

  /** The close reason once the connection has closed; null while it is open. */
  public CloseReason closeReason() {
    return closed.getNow(null);
  }

  /** The next frame, which must be {@code event}; returns its data. */
  public JsonObject expect(String event) {
    JsonObject frame = next();
    assertEquals(event, frame.getString("event"), () -> "unexpected frame " + frame);
    return frame.getJsonObject("data");
  }

  /** Skips frames of other events until {@code event} arrives; returns its data. */
  public JsonObject await(String event) {
    List<JsonObject> skipped = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject frame = next();
      if (event.equals(frame.getString("event"))) {
        return frame.getJsonObject("data");
      }
      skipped.add(frame);
    }
    return fail("no " + event + " within " + TIMEOUT + "; got " + skipped);
  }

  /** Asserts that no frame arrives within {@code quiet} (for "must not be delivered" checks). */
  public void expectSilence(Duration quiet) {
    try {
      JsonObject frame = frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
      assertNull(frame, () -> "expected no frame, got " + frame);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public CloseReason awaitClose() {
    try {
      return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail("connection not closed within " + TIMEOUT);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean isOpen() {
    return session.isOpen() && !closed.isDone();
  }

  @Override
  public void close() {
    try {
      if (session != null && session.isOpen()) {
        session.close();
      }
    } catch (IOException e) {
      // The peer is gone already; nothing left to release.
    }
  }
}
