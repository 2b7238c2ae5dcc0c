package dev.messenger.connection;

import dev.messenger.config.MessengerConfig;
import dev.messenger.connection.ConnectionLimits.Admission;
import dev.messenger.metrics.GatewayMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's live connections and their limits. Bean-managed concurrency: every method is safe for
 * concurrent callers through {@link ConnectionLimits} and concurrent maps, so no container lock
 * serialises handshakes or frames.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ConnectionRegistry {
  @Inject MessengerConfig config;
  @Inject GatewayMetrics metrics;

  private ConnectionLimits limits;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();

  @PostConstruct
  void init() {
    limits =
        new ConnectionLimits(
            config.maxConnectionsPerUser(),
            config.maxConnectionsTotal(),
            config.handshakeTimeout(),
            System::nanoTime);
    metrics.gauge("messenger_connections", "Open WebSocket connections on this node", this::total);
    metrics.gauge(
        "messenger_active_users", "Users with at least one open connection", this::activeUsers);
  }

  /** Called before the upgrade: reserves a slot or says why not. */
  public Admission admit(String userId) {
    Admission admission = limits.admit(userId);
    if (admission instanceof Admission.Refused refused) {
      metrics.connectionRefused(refused.reason().name());
    }
    return admission;
  }

  /** The upgrade did not happen after admit(): the reserved slot goes back. */
  public void aborted(String userId) {
    limits.aborted(userId);
  }

  /**
   * Registers an opened socket; null when it is over the limit (its reservation expired meanwhile).
   */
  public Connection open(String userId, Session session) {
    if (!limits.opened(userId)) {
      metrics.connectionRefused(ConnectionLimits.Reason.PER_USER.name());
      return null;
    }
    Connection connection =
        new Connection(userId, session, config.maxQueuedBytes(), System.nanoTime());
    connections.put(connection.id(), connection);
    return connection;
  }

  /** Forgets a closed socket; true when it was the user's last connection on this node. */
  public boolean closed(Connection connection) {
    if (connections.remove(connection.id()) == null) {
      return false;
    }
    limits.closed(connection.userId());
    return limits.liveOf(connection.userId()) == 0;
  }

  public Collection<Connection> all() {
    return connections.values();
  }

  public int expirePendingHandshakes() {
    return limits.expirePending();
  }

  public int total() {
    return connections.size();
  }

  public int activeUsers() {
    return limits.activeUsers();
  }
}
