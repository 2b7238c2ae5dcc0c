package dev.messenger.connection;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * At most {@code maxPerUser} connections per user and {@code maxTotal} per node. A slot is reserved
 * at the HTTP handshake ({@link #admit}) so racing handshakes cannot overshoot, and becomes live
 * when the socket opens; reservations whose handshake never completes expire.
 *
 * <p>Per-user changes run inside {@link ConcurrentHashMap#compute}, which locks only that user's
 * bin, and the node total is a CAS counter, so no caller ever waits on a global lock.
 */
public final class ConnectionLimits {

  /** The answer to a handshake. */
  public sealed interface Admission {
    Admitted ADMITTED = new Admitted();

    default boolean admitted() {
      return this instanceof Admitted;
    }

    record Admitted() implements Admission {}

    record Refused(Reason reason) implements Admission {}
  }

  /**
   * Why a connection was refused, with the HTTP answer to the handshake; {@link #text()} is safe to
   * show to the client.
   */
  public enum Reason {
    PER_USER(429, "TOO_MANY_CONNECTIONS", "too many connections for this user"),
    TOTAL(429, "TOO_MANY_CONNECTIONS", "the server has too many connections"),
    /** The node is shutting down: connect again (to this node after its restart, or another). */
    DRAINING(503, "SHUTTING_DOWN", "the server is shutting down; reconnect shortly");

    private final int httpStatus;
    private final String code;
    private final String text;

    Reason(int httpStatus, String code, String text) {
      this.httpStatus = httpStatus;
      this.code = code;
      this.text = text;
    }

    public int httpStatus() {
      return httpStatus;
    }

    public String code() {
      return code;
    }

    public String text() {
      return text;
    }
  }

  /** One user's slots. Mutated only inside {@code compute} for that user's key. */
  private static final class UserSlots {
    /** Admission times (nanoClock) of handshakes not yet opened, oldest first. */
    final ArrayDeque<Long> pending = new ArrayDeque<>();

    /** Volatile because {@link #liveOf} reads it outside {@code compute}. */
    volatile int live;

    int count() {
      return pending.size() + live;
    }

    boolean isEmpty() {
      return pending.isEmpty() && live == 0;
    }
  }

  private final int maxPerUser;
  private final int maxTotal;
  private final long handshakeTimeoutNanos;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, UserSlots> slots = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger pendingTotal = new AtomicInteger();
  private final AtomicInteger activeUsers = new AtomicInteger();
  private volatile boolean draining;

  public ConnectionLimits(
      int maxPerUser, int maxTotal, Duration handshakeTimeout, LongSupplier nanoClock) {
    if (maxPerUser < 1 || maxTotal < 1) {
      throw new IllegalArgumentException(
          "connection limits must be positive: perUser=" + maxPerUser + ", total=" + maxTotal);
    }
    if (handshakeTimeout.isNegative()) {
      throw new IllegalArgumentException("negative handshake timeout: " + handshakeTimeout);
    }
    this.maxPerUser = maxPerUser;
    this.maxTotal = maxTotal;
    this.handshakeTimeoutNanos = handshakeTimeout.toNanos();
    this.nanoClock = Objects.requireNonNull(nanoClock);
  }

  /** Reserves a slot for a handshake, or says why not. */
  public Admission admit(String userId) {
    Objects.requireNonNull(userId);
    if (draining) {
      return new Admission.Refused(Reason.DRAINING);
    }
    Reason[] refused = {null};
    slots.compute(
        userId,
        (id, s) -> {
          // The per-user check comes first and the total is taken only after it passes, so a user
          // hammering their own limit never holds total slots that other users are refused for.
          if (s != null && s.count() >= maxPerUser) {
            refused[0] = Reason.PER_USER;
            return s;
          }
          if (!reserveTotal()) {
            refused[0] = Reason.TOTAL;
            return s;
          }
          UserSlots user = s == null ? new UserSlots() : s;
          user.pending.addLast(nanoClock.getAsLong());
          pendingTotal.incrementAndGet();
          return user;
        });
    return refused[0] == null ? Admission.ADMITTED : new Admission.Refused(refused[0]);
  }

  /**
   * The socket opened: turns one pending reservation into a live connection. If the reservation has
   * already expired, tries a fresh admission instead.
   *
   * @return false if over the limit or draining; the caller closes the socket
   */
  public boolean opened(String userId) {
    Objects.requireNonNull(userId);
    if (draining) {
      // Admitted before the drain began: give the reservation back, the socket is closed.
      aborted(userId);
      return false;
    }
    boolean[] ok = {false};
    slots.compute(
        userId,
        (id, s) -> {
          if (s != null && !s.pending.isEmpty()) {
            // The oldest, so the reservations left behind are the youngest and expire last.
            s.pending.pollFirst();
            pendingTotal.decrementAndGet();
            addLive(s);
            ok[0] = true;
            return s;
          }
          if ((s != null && s.count() >= maxPerUser) || !reserveTotal()) {
            return s;
          }
          UserSlots user = s == null ? new UserSlots() : s;
          addLive(user);
          ok[0] = true;
          return user;
        });
    return ok[0];
  }

  /** The handshake failed after {@link #admit}: gives one pending reservation back. */
  public void aborted(String userId) {
    Objects.requireNonNull(userId);
    slots.computeIfPresent(
        userId,
        (id, s) -> {
          if (s.pending.pollFirst() != null) {
            pendingTotal.decrementAndGet();
            total.decrementAndGet();
          }
          return s.isEmpty() ? null : s;
        });
  }

  /** A live connection ended: gives its slot back. Extra calls are ignored. */
  public void closed(String userId) {
    Objects.requireNonNull(userId);
    slots.computeIfPresent(
        userId,
        (id, s) -> {
          if (s.live > 0) {
            s.live--;
            if (s.live == 0) {
              activeUsers.decrementAndGet();
            }
            total.decrementAndGet();
          }
          return s.isEmpty() ? null : s;
        });
  }

  /**
   * Releases reservations at least {@code handshakeTimeout} old.
   *
   * @return how many were released
   */
  public int expirePending() {
    if (pendingTotal.get() == 0) {
      return 0; // the usual case on every monitor tick; skips the scan over all users
    }
    long now = nanoClock.getAsLong();
    int[] released = {0};
    for (String userId : slots.keySet()) {
      slots.computeIfPresent(
          userId,
          (id, s) -> {
            while (!s.pending.isEmpty() && now - s.pending.peekFirst() >= handshakeTimeoutNanos) {
              s.pending.pollFirst();
              pendingTotal.decrementAndGet();
              total.decrementAndGet();
              released[0]++;
            }
            return s.isEmpty() ? null : s;
          });
    }
    return released[0];
  }

  /** From now on every handshake is refused with {@link Reason#DRAINING}. */
  public void drain() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /** Pending plus live connections on this node. */
  public int total() {
    return total.get();
  }

  /** Users with at least one live connection. */
  public int activeUsers() {
    return activeUsers.get();
  }

  public int liveOf(String userId) {
    UserSlots s = slots.get(userId);
    return s == null ? 0 : s.live;
  }

  public int pendingTotal() {
    return pendingTotal.get();
  }

  /** Users with any pending or live slot; a count that only grows would be a leak. */
  public int trackedUsers() {
    return slots.size();
  }

  private void addLive(UserSlots s) {
    if (s.live++ == 0) {
      activeUsers.incrementAndGet();
    }
  }

  private boolean reserveTotal() {
    while (true) {
      int current = total.get();
      if (current >= maxTotal) {
        return false;
      }
      if (total.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }
}
