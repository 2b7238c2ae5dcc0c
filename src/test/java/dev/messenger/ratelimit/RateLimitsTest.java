package dev.messenger.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.ratelimit.RateLimits.Decision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

  private static final int MESSAGES = 30;
  private static final int REACTIONS = 60;
  private static final int TYPING = 120;

  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  private final RateLimits limits =
      new RateLimits(
          Map.of(Action.MESSAGE, MESSAGES, Action.REACTION, REACTIONS, Action.TYPING, TYPING),
          nanos::get);

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  /** Consumes until refused; returns how many were allowed. */
  private int drain(String user, Action action) {
    int allowed = 0;
    while (limits.tryConsume(user, action).allowed()) {
      allowed++;
      if (allowed > 10_000) {
        throw new AssertionError("never refused");
      }
    }
    return allowed;
  }

  @Test
  void allowsABurstOfCapacityThenRefuses() {
    for (int i = 0; i < MESSAGES; i++) {
      assertTrue(limits.tryConsume("alice", Action.MESSAGE).allowed(), "message " + i);
    }

    Decision refused = limits.tryConsume("alice", Action.MESSAGE);

    assertFalse(refused.allowed());
    // One token every 2 s at 30/min.
    assertTrue(
        refused.retryAfterMs() > 1_900 && refused.retryAfterMs() <= 2_000,
        "retryAfterMs=" + refused.retryAfterMs());
  }

  @Test
  void allowedDecisionsHaveNoRetryAfter() {
    assertEquals(new Decision(true, 0), limits.tryConsume("alice", Action.MESSAGE));
  }

  @Test
  void retryAfterShrinksAsTimePassesAndIsRoundedUp() {
    drain("alice", Action.MESSAGE);
    advance(Duration.ofMillis(1_500).plusNanos(1));

    assertEquals(500, limits.tryConsume("alice", Action.MESSAGE).retryAfterMs());
  }

  @Test
  void refillsContinuously() {
    drain("alice", Action.MESSAGE);

    advance(Duration.ofMillis(1_999));
    assertFalse(limits.tryConsume("alice", Action.MESSAGE).allowed());

    advance(Duration.ofMillis(1));
    assertTrue(limits.tryConsume("alice", Action.MESSAGE).allowed());
    assertFalse(limits.tryConsume("alice", Action.MESSAGE).allowed());

    advance(Duration.ofSeconds(20));
    assertEquals(10, drain("alice", Action.MESSAGE));
  }

  @Test
  void refillStopsAtCapacity() {
    drain("alice", Action.MESSAGE);
    advance(Duration.ofMinutes(10));

    assertEquals(MESSAGES, drain("alice", Action.MESSAGE));
  }

  @Test
  void noDoubleBurstAfterAFullRefill() {
    drain("alice", Action.MESSAGE);
    advance(Duration.ofSeconds(60));

    assertEquals(MESSAGES, drain("alice", Action.MESSAGE));
    assertFalse(limits.tryConsume("alice", Action.MESSAGE).allowed());
  }

  @Test
  void noDoubleBurstAtAWindowEdge() {
    // A fixed one-minute window would allow 30 at 59.9 s and 30 more at 60.1 s.
    advance(Duration.ofMillis(59_900));
    assertEquals(MESSAGES, drain("alice", Action.MESSAGE));

    advance(Duration.ofMillis(200));

    assertEquals(0, drain("alice", Action.MESSAGE));
  }

  @Test
  void aBurstAtTheStartRefillsOnlyWhatTheRateAllowsBy59point9Seconds() {
    assertEquals(MESSAGES, drain("alice", Action.MESSAGE));

    advance(Duration.ofMillis(59_900));

    // 59.9 s at one token per 2 s is 29.95 tokens: not a fresh bucket plus one.
    assertEquals(29, drain("alice", Action.MESSAGE));
    advance(Duration.ofMillis(100));
    assertEquals(1, drain("alice", Action.MESSAGE));
  }

  @Test
  void actionsAreIndependent() {
    drain("alice", Action.MESSAGE);

    assertEquals(REACTIONS, drain("alice", Action.REACTION));
    assertEquals(TYPING, drain("alice", Action.TYPING));
  }

  @Test
  void usersAreIndependent() {
    drain("alice", Action.MESSAGE);

    assertEquals(MESSAGES, drain("bob", Action.MESSAGE));
  }

  @Test
  void evictsOnlyUsersIdleForAFullRefillPeriod() {
    limits.tryConsume("alice", Action.MESSAGE);
    advance(Duration.ofSeconds(30));
    limits.tryConsume("bob", Action.TYPING);
    assertEquals(2, limits.trackedUsers());

    advance(Duration.ofSeconds(30).minusNanos(1));
    assertEquals(0, limits.evictIdle(), "alice is one nanosecond short of a full refill");

    advance(Duration.ofNanos(1));
    assertEquals(1, limits.evictIdle());
    assertEquals(1, limits.trackedUsers(), "bob was active 30 s ago");

    advance(Duration.ofSeconds(30));
    assertEquals(1, limits.evictIdle());
    assertEquals(0, limits.trackedUsers());
  }

  @Test
  void anEvictedUserComesBackWithAFullBucket() {
    drain("alice", Action.MESSAGE);
    advance(Duration.ofSeconds(60));
    assertEquals(1, limits.evictIdle());

    assertEquals(MESSAGES, drain("alice", Action.MESSAGE));
  }

  @Test
  void refusedAttemptsAlsoKeepAUserTracked() {
    drain("alice", Action.MESSAGE);
    advance(Duration.ofSeconds(59));
    limits.tryConsume("alice", Action.MESSAGE);
    advance(Duration.ofSeconds(30));

    assertEquals(0, limits.evictIdle());
  }

  @Test
  void rejectsMissingOrNonPositiveLimits() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new RateLimits(Map.of(Action.MESSAGE, 1, Action.REACTION, 1), System::nanoTime));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new RateLimits(
                Map.of(Action.MESSAGE, 1, Action.REACTION, 0, Action.TYPING, 1), System::nanoTime));
  }

  @Test
  void concurrentConsumersNeverExceedCapacity() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      for (int round = 0; round < 50; round++) {
        String user = "user" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          futures.add(
              pool.submit(
                  () -> {
                    go.await();
                    int allowed = 0;
                    for (int i = 0; i < 50; i++) {
                      if (limits.tryConsume(user, Action.REACTION).allowed()) {
                        allowed++;
                      }
                    }
                    return allowed;
                  }));
        }
        go.countDown();
        int total = 0;
        for (Future<Integer> future : futures) {
          total += future.get(30, TimeUnit.SECONDS);
        }
        assertEquals(REACTIONS, total, "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void evictionRacingWithConsumersLosesNoTokens() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(9);
    try {
      for (int round = 0; round < 50; round++) {
        String user = "user" + round;
        // Idle for a full period, so the evictor may drop the user at any moment.
        limits.tryConsume(user, Action.REACTION);
        advance(Duration.ofSeconds(60));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          futures.add(
              pool.submit(
                  () -> {
                    go.await();
                    int allowed = 0;
                    for (int i = 0; i < 20; i++) {
                      if (limits.tryConsume(user, Action.REACTION).allowed()) {
                        allowed++;
                      }
                    }
                    return allowed;
                  }));
        }
        Future<Integer> evictor =
            pool.submit(
                () -> {
                  go.await();
                  int evicted = 0;
                  for (int i = 0; i < 20; i++) {
                    evicted += limits.evictIdle();
                  }
                  return evicted;
                });
        go.countDown();
        int total = 0;
        for (Future<Integer> future : futures) {
          total += future.get(30, TimeUnit.SECONDS);
        }
        evictor.get(30, TimeUnit.SECONDS);
        // Time stands still, so an eviction can only replace a full bucket with a full bucket.
        assertEquals(REACTIONS, total, "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
