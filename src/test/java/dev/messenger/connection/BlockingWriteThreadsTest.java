package dev.messenger.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BlockingWriteThreadsTest {
  private static final Duration LONG = Duration.ofMinutes(5);
  private final CountDownLatch release = new CountDownLatch(1);

  /** Makes plain threads and counts them. */
  private static ThreadFactory counting(AtomicInteger made) {
    return task -> {
      made.incrementAndGet();
      return new Thread(task);
    };
  }

  private Runnable parked(AtomicInteger running, AtomicInteger most) {
    return () -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.decrementAndGet();
    };
  }

  @Test
  void aPingRunsWhileEveryCloseThreadIsParked() throws Exception {
    try (BlockingWriteThreads threads = new BlockingWriteThreads(Thread::new, 2, 3, LONG)) {
      Connection.BlockingWrites writes = threads.writes();
      AtomicInteger running = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      for (int i = 0; i < 10; i++) {
        writes.closes().execute(parked(running, most));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (running.get() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertEquals(3, running.get(), "every close thread parked");

      CountDownLatch pinged = new CountDownLatch(1);
      writes.pings().execute(pinged::countDown);

      assertTrue(pinged.await(30, TimeUnit.SECONDS), "the ping waited for the closes");
      assertEquals(3, most.get(), "closes run at most three at a time; the rest wait in line");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aPingParkedOnAPeerThatStoppedReadingNeverHoldsUpAnother() throws Exception {
    AtomicInteger made = new AtomicInteger();
    ThreadFactory counting = counting(made);
    try (BlockingWriteThreads threads = new BlockingWriteThreads(counting, 64, 1, LONG)) {
      Connection.BlockingWrites writes = threads.writes();
      AtomicInteger running = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      for (int i = 0; i < 5; i++) {
        writes.pings().execute(parked(running, most));
      }

      CountDownLatch pinged = new CountDownLatch(1);
      writes.pings().execute(pinged::countDown);

      assertTrue(pinged.await(30, TimeUnit.SECONDS), "the ping waited for the parked ones");
      // A parked ping's thread may still be starting when the quick one has run.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (running.get() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertEquals(5, running.get(), "each parked ping on a thread of its own");
      assertEquals(6, made.get(), "a thread made for each ping that found none free, no more");
    } finally {
      release.countDown();
    }
  }

  @Test
  void anIdleNodeKeepsNoThread() throws Exception {
    AtomicInteger made = new AtomicInteger();
    ThreadFactory counting = counting(made);
    try (BlockingWriteThreads threads =
        new BlockingWriteThreads(counting, 64, 3, Duration.ofMillis(50))) {
      assertEquals(0, threads.threads(), "none made before any work");
      CountDownLatch done = new CountDownLatch(2);
      threads.writes().pings().execute(done::countDown);
      threads.writes().closes().execute(done::countDown);
      assertTrue(done.await(30, TimeUnit.SECONDS));
      assertEquals(2, made.get(), "one thread for each");

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (threads.threads() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, threads.threads(), "both threads retired once idle");
    }
  }

  @Test
  void pastItsThreadsAPingIsRefusedSoTheCallerWritesIt() {
    try (BlockingWriteThreads threads = new BlockingWriteThreads(Thread::new, 2, 1, LONG)) {
      Connection.BlockingWrites writes = threads.writes();
      AtomicInteger running = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      writes.pings().execute(parked(running, most));
      writes.pings().execute(parked(running, most));

      assertThrows(RejectedExecutionException.class, () -> writes.pings().execute(() -> {}));
    } finally {
      release.countDown();
    }
  }

  @Test
  void theThreadsAreNamedForTheDumps() throws Exception {
    try (BlockingWriteThreads threads = new BlockingWriteThreads(Thread::new)) {
      String[] name = new String[1];
      CountDownLatch ran = new CountDownLatch(1);
      threads
          .writes()
          .closes()
          .execute(
              () -> {
                name[0] = Thread.currentThread().getName();
                ran.countDown();
              });
      assertTrue(ran.await(30, TimeUnit.SECONDS));
      assertEquals("messenger close 1", name[0]);
    }
  }

  @Test
  void aFactoryThatMakesNoThreadRefusesTheTaskSoTheCallerWritesIt() {
    try (BlockingWriteThreads threads = new BlockingWriteThreads(task -> null)) {
      assertThrows(
          RejectedExecutionException.class, () -> threads.writes().pings().execute(() -> {}));
    }
  }

  @Test
  void closedItTakesNoMoreWork() {
    BlockingWriteThreads threads = new BlockingWriteThreads(Thread::new);
    threads.close();

    assertThrows(
        RejectedExecutionException.class, () -> threads.writes().closes().execute(() -> {}));
  }
}
