package dev.messenger.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.connection.ConnectionLimits.Admission;
import dev.messenger.connection.ConnectionLimits.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final ExecutorService pool = Executors.newFixedThreadPool(20);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  private ConnectionLimits limits(int perUser, int total) {
    return new ConnectionLimits(perUser, total, TIMEOUT, nanos::get);
  }

  private static Reason refusal(Admission admission) {
    return assertInstanceOf(Admission.Refused.class, admission).reason();
  }

  @Test
  void admitsUpToThePerUserLimit() {
    ConnectionLimits limits = limits(3, 100);

    for (int i = 0; i < 3; i++) {
      assertTrue(limits.admit("alice").admitted());
    }
    assertEquals(Reason.PER_USER, refusal(limits.admit("alice")));
    assertTrue(limits.admit("bob").admitted(), "other users are not affected");
    assertEquals(4, limits.total());
    assertEquals(4, limits.pendingTotal());
  }

  @Test
  void admitsUpToTheTotalLimit() {
    ConnectionLimits limits = limits(3, 2);

    assertTrue(limits.admit("alice").admitted());
    assertTrue(limits.admit("bob").admitted());
    assertEquals(Reason.TOTAL, refusal(limits.admit("carol")));
    assertEquals(2, limits.total());
    assertEquals(2, limits.trackedUsers(), "a refused new user leaves no entry");
  }

  @Test
  void perUserRefusalDoesNotTakeFromTheTotal() {
    ConnectionLimits limits = limits(1, 2);
    limits.admit("alice");

    assertEquals(Reason.PER_USER, refusal(limits.admit("alice")));
    assertEquals(1, limits.total());
    assertTrue(limits.admit("bob").admitted());
  }

  @Test
  void reasonsHaveText() {
    assertEquals("too many connections for this user", Reason.PER_USER.text());
    assertFalse(Reason.TOTAL.text().isBlank());
  }

  @Test
  void drainingRefusesEveryHandshakeWith503() {
    ConnectionLimits limits = limits(3, 100);
    assertTrue(limits.admit("alice").admitted());
    limits.drain();

    assertTrue(limits.draining());
    assertEquals(Reason.DRAINING, refusal(limits.admit("bob")));
    assertEquals(503, Reason.DRAINING.httpStatus());
    assertEquals("SHUTTING_DOWN", Reason.DRAINING.code());
    assertEquals(429, Reason.PER_USER.httpStatus());
    assertEquals(429, Reason.TOTAL.httpStatus());
  }

  @Test
  void aSocketOpeningAfterTheDrainBeganIsRefusedAndItsSlotFreed() {
    ConnectionLimits limits = limits(3, 100);
    limits.admit("alice");
    limits.drain();

    assertFalse(limits.opened("alice"));

    assertEquals(0, limits.total());
    assertEquals(0, limits.pendingTotal());
    assertEquals(0, limits.trackedUsers());
  }

  @Test
  void openedTurnsAReservationIntoALiveConnection() {
    ConnectionLimits limits = limits(2, 10);
    limits.admit("alice");

    assertTrue(limits.opened("alice"));

    assertEquals(1, limits.liveOf("alice"));
    assertEquals(0, limits.pendingTotal());
    assertEquals(1, limits.total());
    assertEquals(1, limits.activeUsers());
  }

  @Test
  void pendingOnlyUsersAreNotActive() {
    ConnectionLimits limits = limits(2, 10);
    limits.admit("alice");

    assertEquals(0, limits.activeUsers());
    assertEquals(0, limits.liveOf("alice"));
  }

  @Test
  void abortedGivesTheReservationBack() {
    ConnectionLimits limits = limits(1, 10);
    limits.admit("alice");

    limits.aborted("alice");

    assertEquals(0, limits.total());
    assertEquals(0, limits.pendingTotal());
    assertTrue(limits.admit("alice").admitted());
  }

  @Test
  void abortedWithoutReservationIsANoOp() {
    ConnectionLimits limits = limits(2, 10);
    limits.admit("alice");
    limits.opened("alice");

    limits.aborted("alice");
    limits.aborted("nobody");

    assertEquals(1, limits.total());
    assertEquals(1, limits.liveOf("alice"));
  }

  @Test
  void closedGivesTheSlotBack() {
    ConnectionLimits limits = limits(1, 1);
    limits.admit("alice");
    limits.opened("alice");

    limits.closed("alice");

    assertEquals(0, limits.total());
    assertEquals(0, limits.activeUsers());
    assertTrue(limits.admit("bob").admitted(), "the total slot is free again");
  }

  @Test
  void countsNeverGoBelowZero() {
    ConnectionLimits limits = limits(2, 10);
    limits.admit("alice");
    limits.opened("alice");

    limits.closed("alice");
    limits.closed("alice");
    limits.closed("nobody");
    limits.aborted("alice");

    assertEquals(0, limits.total());
    assertEquals(0, limits.liveOf("alice"));
    assertEquals(0, limits.activeUsers());
    assertEquals(0, limits.pendingTotal());
  }

  @Test
  void closedDoesNotReleaseAPendingReservation() {
    ConnectionLimits limits = limits(2, 10);
    limits.admit("alice");

    limits.closed("alice");

    assertEquals(1, limits.pendingTotal());
    assertEquals(1, limits.total());
  }

  @Test
  void entryIsRemovedWhenAUserReachesZero() {
    ConnectionLimits limits = limits(3, 10);
    limits.admit("alice");
    limits.admit("alice");
    limits.opened("alice");
    assertEquals(1, limits.trackedUsers());

    limits.aborted("alice");
    assertEquals(1, limits.trackedUsers(), "still has a live connection");
    limits.closed("alice");

    assertEquals(0, limits.trackedUsers());
  }

  @Test
  void expiresReservationsOlderThanTheTimeout() {
    ConnectionLimits limits = limits(3, 10);
    limits.admit("alice");
    nanos.addAndGet(Duration.ofSeconds(4).toNanos());
    limits.admit("alice");
    limits.admit("bob");

    nanos.addAndGet(TIMEOUT.toNanos() - Duration.ofSeconds(4).toNanos() - 1);
    assertEquals(0, limits.expirePending(), "one nanosecond short of the timeout");

    nanos.incrementAndGet();
    assertEquals(1, limits.expirePending());
    assertEquals(2, limits.pendingTotal());
    assertEquals(2, limits.total());

    nanos.addAndGet(Duration.ofSeconds(4).toNanos());
    assertEquals(2, limits.expirePending());
    assertEquals(0, limits.total());
    assertEquals(0, limits.trackedUsers());
  }

  @Test
  void expiryLeavesLiveConnectionsAlone() {
    ConnectionLimits limits = limits(3, 10);
    limits.admit("alice");
    limits.opened("alice");
    limits.admit("alice");

    nanos.addAndGet(TIMEOUT.toNanos());

    assertEquals(1, limits.expirePending());
    assertEquals(1, limits.liveOf("alice"));
    assertEquals(1, limits.total());
  }

  @Test
  void openedAfterExpiryAdmitsAfreshIfThereIsRoom() {
    ConnectionLimits limits = limits(1, 10);
    limits.admit("alice");
    nanos.addAndGet(TIMEOUT.toNanos());
    limits.expirePending();

    assertTrue(limits.opened("alice"));
    assertEquals(1, limits.liveOf("alice"));
    assertEquals(1, limits.total());
  }

  @Test
  void openedAfterExpiryIsRefusedWhenTheSlotWasTaken() {
    ConnectionLimits limits = limits(1, 10);
    limits.admit("alice");
    nanos.addAndGet(TIMEOUT.toNanos());
    limits.expirePending();
    limits.admit("alice");
    limits.opened("alice");

    assertFalse(limits.opened("alice"), "a late socket cannot exceed the per-user limit");
    assertEquals(1, limits.total());
  }

  @Test
  void openedAfterExpiryIsRefusedWhenTheNodeIsFull() {
    ConnectionLimits limits = limits(2, 1);
    limits.admit("alice");
    nanos.addAndGet(TIMEOUT.toNanos());
    limits.expirePending();
    limits.admit("bob");

    assertFalse(limits.opened("alice"));
    assertEquals(1, limits.trackedUsers(), "only bob; alice left no entry behind");
  }

  @Test
  void racingHandshakesOfOneUserAdmitExactlyThePerUserLimit() throws Exception {
    for (int round = 0; round < 200; round++) {
      ConnectionLimits limits = limits(3, 1000);

      List<Admission> results = race(20, i -> limits.admit("alice"));

      assertEquals(3, results.stream().filter(Admission::admitted).count(), "round " + round);
      assertEquals(3, limits.total());
      assertEquals(3, limits.pendingTotal());
    }
  }

  @Test
  void racingUsersAdmitExactlyTheTotalLimit() throws Exception {
    for (int round = 0; round < 200; round++) {
      ConnectionLimits limits = limits(3, 7);

      // Every thread is a different user, some twice, so only the total limit can refuse.
      List<Admission> results = race(20, i -> limits.admit("user" + (i % 10)));

      assertEquals(7, results.stream().filter(Admission::admitted).count(), "round " + round);
      assertEquals(7, limits.total());
    }
  }

  @Test
  void racingConnectAndDisconnectLeavesNothingBehind() throws Exception {
    ConnectionLimits limits = limits(2, 15);

    race(
        20,
        i -> {
          String user = "user" + (i % 5);
          for (int n = 0; n < 500; n++) {
            if (!limits.admit(user).admitted()) {
              continue;
            }
            if (n % 7 == 0) {
              limits.aborted(user);
            } else if (limits.opened(user)) {
              limits.closed(user);
            }
          }
          return null;
        });

    assertEquals(0, limits.total());
    assertEquals(0, limits.pendingTotal());
    assertEquals(0, limits.activeUsers());
    assertEquals(0, limits.trackedUsers());
  }

  private interface Task<T> {
    T run(int index) throws Exception;
  }

  /** Starts {@code threads} tasks at the same instant and waits for all of them. */
  private <T> List<T> race(int threads, Task<T> task) throws Exception {
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int index = i;
      futures.add(
          pool.submit(
              () -> {
                ready.countDown();
                go.await();
                return task.run(index);
              }));
    }
    assertTrue(ready.await(10, TimeUnit.SECONDS));
    go.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> future : futures) {
      results.add(future.get(30, TimeUnit.SECONDS));
    }
    return results;
  }
}
