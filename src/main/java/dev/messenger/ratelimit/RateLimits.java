package dev.messenger.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-user, per-action token buckets: capacity is the per-minute figure, refilled continuously, so
 * there is no window edge at which a user gets two bursts back to back.
 *
 * <p>Lock-free on the hot path: a {@link ConcurrentHashMap} lookup and Bucket4j's lock-free bucket.
 */
public final class RateLimits {

  /** The answer to one attempt; {@code retryAfterMs} is positive only when refused. */
  public record Decision(boolean allowed, long retryAfterMs) {
    static final Decision ALLOWED = new Decision(true, 0);
  }

  /** An empty bucket is full again after this, whatever its rate. */
  private static final Duration REFILL_PERIOD = Duration.ofMinutes(1);

  private static final long REFILL_PERIOD_NANOS = REFILL_PERIOD.toNanos();

  /** Marks a user's state as removed so a racing consumer starts over with a fresh one. */
  private static final long EVICTED = Long.MIN_VALUE;

  /** One user's buckets; created with every action so the map holds one immutable entry. */
  private static final class UserBuckets {
    final EnumMap<Action, Bucket> buckets;
    final AtomicLong lastTouched;

    UserBuckets(EnumMap<Action, Bucket> buckets, long now) {
      this.buckets = buckets;
      this.lastTouched = new AtomicLong(now);
    }
  }

  private final EnumMap<Action, Integer> perMinute;
  private final LongSupplier nanoClock;
  private final TimeMeter timeMeter;
  private final ConcurrentHashMap<String, UserBuckets> users = new ConcurrentHashMap<>();

  public RateLimits(Map<Action, Integer> perMinute, LongSupplier nanoClock) {
    this.perMinute = new EnumMap<>(Action.class);
    for (Action action : Action.values()) {
      Integer limit = perMinute.get(action);
      if (limit == null || limit < 1) {
        throw new IllegalArgumentException(
            "rate limit for " + action + " must be positive: " + limit);
      }
      this.perMinute.put(action, limit);
    }
    this.nanoClock = Objects.requireNonNull(nanoClock);
    this.timeMeter = new ClockTimeMeter(nanoClock);
  }

  /** Takes one token of {@code action} from the user's bucket, or says how long to wait. */
  public Decision tryConsume(String userId, Action action) {
    Objects.requireNonNull(action);
    ConsumptionProbe probe =
        touch(Objects.requireNonNull(userId)).buckets.get(action).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return Decision.ALLOWED;
    }
    long retryAfterMs = (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000;
    return new Decision(false, Math.max(1, retryAfterMs));
  }

  /**
   * Drops users untouched for a full refill period: their buckets are full, which is the same as
   * having no state, so nothing is lost.
   *
   * @return how many users were dropped
   */
  public int evictIdle() {
    long now = nanoClock.getAsLong();
    int evicted = 0;
    for (Map.Entry<String, UserBuckets> entry : users.entrySet()) {
      AtomicLong lastTouched = entry.getValue().lastTouched;
      long touched = lastTouched.get();
      // The CAS orders eviction against a concurrent touch: exactly one of them wins.
      if (touched != EVICTED
          && now - touched >= REFILL_PERIOD_NANOS
          && lastTouched.compareAndSet(touched, EVICTED)) {
        users.remove(entry.getKey(), entry.getValue());
        evicted++;
      }
    }
    return evicted;
  }

  public int trackedUsers() {
    return users.size();
  }

  private UserBuckets touch(String userId) {
    while (true) {
      UserBuckets user = users.computeIfAbsent(userId, id -> newUser());
      long now = nanoClock.getAsLong();
      long touched = user.lastTouched.get();
      if (touched == EVICTED) {
        // Evicted between lookup and touch; finish the removal and start over with a full bucket.
        users.remove(userId, user);
      } else if (user.lastTouched.compareAndSet(touched, now)) {
        return user;
      }
    }
  }

  private UserBuckets newUser() {
    EnumMap<Action, Bucket> buckets = new EnumMap<>(Action.class);
    perMinute.forEach(
        (action, limit) ->
            buckets.put(
                action,
                Bucket.builder()
                    .addLimit(l -> l.capacity(limit).refillGreedy(limit, REFILL_PERIOD))
                    .withCustomTimePrecision(timeMeter)
                    .build()));
    return new UserBuckets(buckets, nanoClock.getAsLong());
  }

  /** Bucket4j time from the injected clock, so tests move time instead of sleeping. */
  private record ClockTimeMeter(LongSupplier nanoClock) implements TimeMeter {
    @Override
    public long currentTimeNanos() {
      return nanoClock.getAsLong();
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }
  }
}
