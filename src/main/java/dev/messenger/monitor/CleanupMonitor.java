package dev.messenger.monitor;

import dev.messenger.attachment.AttachmentStorage;
import dev.messenger.auth.WsTickets;
import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.config.MessengerConfig;
import dev.messenger.connection.Connection;
import dev.messenger.connection.ConnectionRegistry;
import dev.messenger.fanout.LocalSubscriptions;
import dev.messenger.metrics.GatewayMetrics;
import dev.messenger.ratelimit.RateLimiter;
import dev.messenger.typing.TypingIndicators;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One programmatic interval timer (its period comes from config, which {@code @Schedule} cannot
 * read) drives every periodic job. Each job decides from its own interval whether this tick is its
 * turn.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
// No transaction around a tick: the jobs that write (the attachment sweep) commit their own, as
// they must before the files go, and a tick must never hold one open.
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class CleanupMonitor {
  private static final Logger LOG = Logger.getLogger(CleanupMonitor.class.getName());

  @Resource TimerService timers;
  @Inject MessengerConfig config;
  @Inject TypingIndicators typing;
  @Inject LocalSubscriptions subscriptions;
  @Inject GatewayMetrics metrics;
  @Inject WsTickets tickets;
  @Inject AttachmentStorage attachments;
  @Inject LocalChatSeqs chatSeqs;
  @EJB ConnectionRegistry registry;
  @EJB RateLimiter rateLimiter;

  private static final Duration MAX_SWEEP_INTERVAL = Duration.ofMinutes(10);
  private static final Duration MAX_WINDOW_SWEEP_INTERVAL = Duration.ofMinutes(1);

  /** How long the application stop waits for a tick under way. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final TickGate gate = new TickGate();
  private final MonitorSchedule schedule = new MonitorSchedule();

  private volatile long lastTickNanos = System.nanoTime();

  @PostConstruct
  void start() {
    metrics.gauge(
        "messenger_rooms", "Chats with a joined connection on this node", subscriptions::rooms);
    metrics.gauge(
        "messenger_send_resend_window_messages",
        "Messages in the chats' resend windows in memory (messenger.send.resend-window-ms, embedded"
            + " H2 only), at the monitor's last sweep",
        chatSeqs::recentMessages);
    long tick = config.monitorTick().toMillis();
    timers.createIntervalTimer(tick, tick, new TimerConfig("messenger-monitor", false));
    String problem = heartbeatProblem(config.pingInterval(), config.idleTimeout());
    if (problem != null) {
      LOG.warning(problem);
    }
  }

  /**
   * Null when the heartbeat settings can work. A peer proves it is alive between two idle checks
   * only through a ping (its pong) or, while it receives, through the writes completed by the next
   * ping tick: with pings no more often than the idle timeout, healthy connections are closed as
   * idle.
   */
  static String heartbeatProblem(Duration pingInterval, Duration idleTimeout) {
    if (pingInterval.compareTo(idleTimeout) < 0) {
      return null;
    }
    return "messenger.heartbeat.ping-interval-ms ("
        + pingInterval.toMillis()
        + ") is not below messenger.heartbeat.idle-timeout-ms ("
        + idleTimeout.toMillis()
        + "): connections that send nothing will be closed as idle; ping at most every third of"
        + " the idle timeout";
  }

  /** The application is stopping: no tick after this one, and the one under way finishes first. */
  @PreDestroy
  void stop() {
    try {
      if (!gate.close(STOP_WAIT)) {
        LOG.warning(stuckTick(gate.running()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What a stop that cannot wait for the tick says: where the tick is, so the cause is named. */
  static String stuckTick(Thread tick) {
    StringBuilder why =
        new StringBuilder("Stopping while a monitor tick is still running after ")
            .append(STOP_WAIT);
    if (tick != null) {
      why.append("; ").append(tick.getName()).append(" is at:");
      for (StackTraceElement frame : tick.getStackTrace()) {
        why.append("\n\tat ").append(frame);
      }
    }
    return why.toString();
  }

  @Timeout
  void tick() {
    // A slow tick must not overlap the next one, and none starts once the application stops.
    if (!gate.enter()) {
      return;
    }
    try {
      long now = System.nanoTime();
      lastTickNanos = now;
      typing.expire();
      closeStale(now);
      closeExpired(System.currentTimeMillis());
      if (schedule.due("ping", now, config.pingInterval())) {
        for (Connection c : registry.all()) {
          c.ping(now);
        }
      }
      if (schedule.due("evict", now, config.idleTimeout())) {
        rateLimiter.evictIdle();
      }
      registry.expirePendingHandshakes();
      tickets.purgeExpired();
      if (schedule.due("report", now, config.reportInterval())) {
        report(now);
      }
      sweepAttachments(now);
      expireResendWindows(now);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Monitor tick failed", e);
    } finally {
      gate.exit();
    }
  }

  /**
   * Uploads never sent go after their TTL; checking every tenth of it (at most every 10 minutes)
   * keeps them at most 10% over it without a database query per tick.
   */
  private void sweepAttachments(long now) {
    Duration ttl = config.attachmentsOrphanTtl();
    if (ttl.isZero() || ttl.isNegative()) {
      return;
    }
    Duration every = ttl.dividedBy(10);
    if (every.compareTo(MAX_SWEEP_INTERVAL) > 0) {
      every = MAX_SWEEP_INTERVAL;
    }
    if (schedule.due("attachments", now, every)) {
      try {
        int removed = attachments.sweepOrphans();
        if (removed > 0) {
          LOG.info(() -> "Removed " + removed + " attachments never sent in a message");
        }
      } catch (RuntimeException e) {
        // The database may be down; the other jobs of this tick must still run next time.
        LOG.log(Level.WARNING, "Attachment sweep failed", e);
      }
    }
  }

  /**
   * Chats that went quiet give back their resend windows' memory (a busy chat's writer expires its
   * own as it sends), checked every tenth of the window, at most every minute.
   */
  private void expireResendWindows(long now) {
    Duration window = config.sendResendWindow();
    if (window.isZero()) {
      return;
    }
    Duration every = window.dividedBy(10);
    if (every.compareTo(MAX_WINDOW_SWEEP_INTERVAL) > 0) {
      every = MAX_WINDOW_SWEEP_INTERVAL;
    }
    if (schedule.due("resend-windows", now, every)) {
      chatSeqs.expireRecent(System.currentTimeMillis() - window.toMillis());
    }
  }

  /** When the timer last ran; liveness fails when it stops. */
  public long lastTickNanos() {
    return lastTickNanos;
  }

  private void closeStale(long now) {
    long limit = config.idleTimeout().toNanos();
    for (Connection c : registry.all()) {
      if (now - c.lastSeenNanos() > limit) {
        c.close(CloseReason.CloseCodes.GOING_AWAY, "idle timeout: no pong or frame received");
      }
    }
  }

  /** Token expiry is wall-clock time (the JWT's {@code exp}), unlike the idle check. */
  private void closeExpired(long nowMillis) {
    for (Connection c : registry.all()) {
      if (c.tokenExpired(nowMillis)) {
        c.close(Connection.TOKEN_EXPIRED, "token expired");
      }
    }
  }

  private long lastMessages;
  private long lastViolations;
  private long lastReportNanos;

  private void report(long now) {
    long messages = metrics.messagesStored();
    long violations = metrics.rateLimitViolations();
    double minutes = lastReportNanos == 0 ? 0 : (now - lastReportNanos) / 60e9;
    double perMinute = minutes > 0 ? (messages - lastMessages) / minutes : 0;
    LOG.info(
        String.format(
            "messenger: connections=%d activeUsers=%d rooms=%d messagesPerMin=%.1f"
                + " rateLimitViolations=%d (total %d) rateLimitedUsersTracked=%d",
            registry.total(),
            registry.activeUsers(),
            subscriptions.rooms(),
            perMinute,
            violations - lastViolations,
            violations,
            rateLimiter.trackedUsers()));
    lastMessages = messages;
    lastViolations = violations;
    lastReportNanos = now;
  }
}
