package dev.messenger.gateway;

import dev.messenger.auth.HandshakeIdentity;
import dev.messenger.config.MessengerConfig;
import dev.messenger.connection.Connection;
import dev.messenger.connection.ConnectionRegistry;
import dev.messenger.fanout.LocalSubscriptions;
import dev.messenger.metrics.GatewayMetrics;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.DecodeResult;
import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.FrameSize;
import dev.messenger.protocol.RequestRefused;
import dev.messenger.typing.TypingIndicators;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The socket: one instance per connection. Decodes each frame, hands it to {@link EventDispatcher},
 * and turns every refusal or failure into an {@code error} event so the connection stays usable.
 */
@Dependent
@ServerEndpoint(value = "/messenger", configurator = GatewayConfigurator.class)
public class MessengerEndpoint {
  private static final Logger LOG = Logger.getLogger(MessengerEndpoint.class.getName());

  @EJB ConnectionRegistry registry;
  @Inject EventDispatcher dispatcher;
  @Inject FrameDecoders decoders;
  @Inject LocalSubscriptions subscriptions;
  @Inject TypingIndicators typing;
  @Inject GatewayMetrics metrics;
  @Inject MessengerConfig config;

  private Connection connection;

  @OnOpen
  public void open(Session session) throws IOException {
    Map<String, Object> handshake = session.getUserProperties();
    String userId = HandshakeIdentity.userId(handshake, session.getUserPrincipal());
    if (userId == null) {
      session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not authenticated"));
      return;
    }
    session.setMaxTextMessageBufferSize(config.maxFrameBytes());
    session.setMaxBinaryMessageBufferSize(config.maxFrameBytes());
    // Liveness is the monitor's job (pings and messenger.heartbeat.idle-timeout-ms), not the
    // container's.
    session.setMaxIdleTimeout(0);
    connection = registry.open(userId, session);
    if (connection == null) {
      session.close(
          registry.draining()
              ? ConnectionRegistry.SHUTTING_DOWN
              : new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too many connections"));
      return;
    }
    connection.tokenExpiresAt(
        HandshakeIdentity.tokenExpiresAtMillis(handshake, session.getUserPrincipal()));
  }

  @OnMessage
  public void text(String frame, Session session) throws IOException {
    if (connection == null) {
      return;
    }
    long start = System.nanoTime();
    // Also while draining: the drain closes a socket once its peer has stopped writing.
    connection.touch(start);
    if (!connection.beginEvent()) {
      return; // draining: what was not acknowledged is resent by the client after reconnecting
    }
    try {
      handle(frame, session, start);
    } finally {
      connection.endEvent();
    }
  }

  private void handle(String frame, Session session, long start) throws IOException {
    if (FrameSize.exceeds(frame, config.maxFrameBytes())) {
      session.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG, "frame too large"));
      return;
    }
    DecodeResult decoded = decoders.decoder().decode(frame);
    String eventName = "invalid";
    if (decoded instanceof DecodeResult.Rejected rejected) {
      error(rejected.code(), rejected.message(), rejected.event(), rejected.tempId(), null);
    } else if (decoded instanceof DecodeResult.Decoded ok) {
      ClientEvent event = ok.event();
      eventName = event.name();
      String tempId = event instanceof ClientEvent.SendMessage send ? send.tempId() : null;
      try {
        dispatcher.dispatch(connection, event);
      } catch (RequestRefused refused) {
        dispatcher.error(connection, refused, eventName, tempId);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Failed to handle " + eventName + " for " + connection.userId(), e);
        dispatcher.error(connection, RequestRefused.internal(), eventName, tempId);
      }
    }
    metrics.event(eventName, Duration.ofNanos(System.nanoTime() - start));
  }

  @OnMessage
  public void binary(ByteBuffer frame) {
    if (connection != null) {
      connection.touch(System.nanoTime());
      error(
          ErrorCode.BAD_REQUEST,
          "binary frames are not supported; send JSON text frames",
          null,
          null,
          null);
    }
  }

  @OnMessage
  public void pong(PongMessage pong) {
    if (connection != null) {
      connection.touch(System.nanoTime());
      connection.pong(pong.getApplicationData());
    }
  }

  @OnClose
  public void close(Session session, CloseReason reason) {
    if (connection == null) {
      return;
    }
    subscriptions.removeAll(connection);
    if (registry.closed(connection)) {
      typing.userGone(connection.userId());
    }
  }

  @OnError
  public void error(Session session, Throwable failure) {
    // Peers vanishing mid-write are routine; anything else deserves a look.
    Level level = failure instanceof IOException ? Level.FINE : Level.WARNING;
    LOG.log(level, "WebSocket error on " + session.getId(), failure);
  }

  private void error(
      ErrorCode code, String message, String event, String tempId, Long retryAfterMs) {
    dispatcher.error(connection, RequestRefused.of(code, message, retryAfterMs), event, tempId);
  }
}
