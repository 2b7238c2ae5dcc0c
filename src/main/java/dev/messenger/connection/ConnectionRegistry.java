package dev.messenger.connection;

import dev.messenger.config.MessengerConfig;
import dev.messenger.connection.ConnectionLimits.Admission;
import dev.messenger.metrics.GatewayMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The node's live connections and their limits. Bean-managed concurrency: every method is safe for
 * concurrent callers through {@link ConnectionLimits} and concurrent maps, so no container lock
 * serialises handshakes or frames. On shutdown it drains the node: see {@link #shutdown()}.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
// No transaction: nothing here touches a transactional resource, and a JTA begin/commit on every
// call was container overhead on every frame (fan-out profile).
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ConnectionRegistry {

  @Inject MessengerConfig config;
  @Inject GatewayMetrics metrics;

  /**
   * Makes the threads connections write their pings and close frames on (blocking calls in the
   * containers): pools of the WAR's own ({@link BlockingWriteThreads} says why not a managed
   * executor; Payara's default one, besides, runs its tasks on a single thread).
   */
  @Resource ManagedThreadFactory threads;

  private BlockingWriteThreads blockingWriteThreads;
  private Connection.BlockingWrites blockingWrites;

  private static final Logger LOG = Logger.getLogger(ConnectionRegistry.class.getName());

  /** 1001 Going Away, as RFC 6455 defines it for a server going down. */
  public static final CloseReason SHUTTING_DOWN =
      new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");

  /**
   * How long the drain waits for close frames queued behind the last writes: a peer that reads
   * takes milliseconds; one that does not is then closed without waiting for its write.
   */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  /**
   * How long a peer must have sent nothing before the drain closes its socket (within the grace): a
   * peer still writing when the close goes out can lose the close frame to a TCP reset ({@link
   * Connection#isQuiet(long, long)}). Longer than the gap between a pipelining client's frames,
   * short enough that a stop hardly notices it.
   */
  static final Duration PEER_SILENCE = Duration.ofMillis(200);

  private ConnectionLimits limits;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private final AtomicBoolean shutDown = new AtomicBoolean();

  @PostConstruct
  void init() {
    blockingWriteThreads = new BlockingWriteThreads(threads);
    blockingWrites = blockingWriteThreads.writes();
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

  /**
   * Drains the node: refuses new handshakes (HTTP 503), stops taking inbound events, waits up to
   * {@code messenger.shutdown.grace-ms} for events being handled and their replies to be written,
   * then closes every socket with 1001. Runs once, from whichever comes first of the web module
   * stopping ({@code ShutdownListener}) and this bean being destroyed: the order differs between
   * servers.
   */
  @PreDestroy
  public void shutdown() {
    if (!shutDown.compareAndSet(false, true)) {
      return;
    }
    limits.drain();
    Collection<Connection> open = List.copyOf(connections.values());
    open.forEach(Connection::stopAccepting);
    boolean quiet =
        awaitQuiet(open, config.shutdownGrace(), System::nanoTime, ConnectionRegistry::pause);
    LOG.info(
        "Shutting down: closing "
            + open.size()
            + " connections"
            + (quiet ? "" : " (grace period over with writes still pending)"));
    // Also any socket that registered while the snapshot was taken (it opened before the drain).
    // The close frame goes after what is already queued (a reply, a chat message committed during
    // the grace): cutting a write in flight would end the socket without a close frame.
    List<Connection> all = new ArrayList<>(open);
    all.addAll(connections.values());
    for (Connection c : all) {
      c.closeAfterWrites(SHUTTING_DOWN.getCloseCode(), SHUTTING_DOWN.getReasonPhrase());
    }
    awaitAll(all, Connection::isClosed, CLOSE_WAIT, System::nanoTime, ConnectionRegistry::pause);
    for (Connection c : all) {
      // A peer that does not read: its write never completes, so it is closed without waiting.
      c.close(SHUTTING_DOWN.getCloseCode(), SHUTTING_DOWN.getReasonPhrase());
    }
    // The close frames are written on the executor; the application must not stop under them.
    awaitAll(
        all, Connection::closeWritten, CLOSE_WAIT, System::nanoTime, ConnectionRegistry::pause);
    // A close asked for after this (the container ending a socket) is written by its caller.
    blockingWriteThreads.close();
  }

  /**
   * Waits until every connection {@link Connection#isQuiet(long, long) is quiet, its peer silent
   * for} {@link #PEER_SILENCE}, or {@code grace} has passed.
   *
   * @return true when all went quiet in time
   */
  static boolean awaitQuiet(
      Collection<Connection> connections, Duration grace, LongSupplier nanoClock, Runnable pause) {
    long silence = PEER_SILENCE.toNanos();
    return awaitAll(
        connections, c -> c.isQuiet(nanoClock.getAsLong(), silence), grace, nanoClock, pause);
  }

  /**
   * Waits until {@code condition} holds for every connection or {@code limit} has passed.
   *
   * @return true when it held for all in time
   */
  static boolean awaitAll(
      Collection<Connection> connections,
      Predicate<Connection> condition,
      Duration limit,
      LongSupplier nanoClock,
      Runnable pause) {
    long deadline = nanoClock.getAsLong() + limit.toNanos();
    while (true) {
      if (connections.stream().allMatch(condition)) {
        return true;
      }
      if (nanoClock.getAsLong() - deadline >= 0) {
        return false;
      }
      pause.run();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean draining() {
    return limits.draining();
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
      metrics.connectionRefused(
          (limits.draining() ? ConnectionLimits.Reason.DRAINING : ConnectionLimits.Reason.PER_USER)
              .name());
      return null;
    }
    Connection connection =
        new Connection(
            userId,
            session,
            config.maxQueuedBytes(),
            config.inlineCreditBytes(),
            System.nanoTime(),
            blockingWrites);
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
