package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.message.GroupCommit.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  @Test
  void aLoneCallerIsABatchOfOne() {
    List<List<Integer>> batches = new ArrayList<>();
    GroupCommit<Integer, String> commits =
        new GroupCommit<>(
            2,
            10,
            items -> {
              batches.add(items);
              return items.stream().map(i -> Outcome.of("v" + i)).toList();
            });
    assertEquals("v1", commits.submit("chat", 1));
    assertEquals("v2", commits.submit("chat", 2));
    assertEquals(List.of(List.of(1), List.of(2)), batches);
  }

  @Test
  void callersArrivingDuringAWriteShareTheNextBatchInArrivalOrder() throws Exception {
    CountDownLatch firstWriteStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstWrite = new CountDownLatch(1);
    List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer, Integer> commits =
        new GroupCommit<>(
            1,
            100,
            items -> {
              batches.add(items);
              if (items.contains(0)) {
                firstWriteStarted.countDown();
                await(releaseFirstWrite);
              }
              return items.stream().map(i -> Outcome.of(i * 10)).toList();
            });
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      Future<Integer> first = pool.submit(() -> commits.submit("c", 0));
      await(firstWriteStarted);
      List<Future<Integer>> followers = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        int item = i;
        followers.add(pool.submit(() -> commits.submit("c", item)));
        awaitQueued(commits, i); // so arrival order is submission order
      }
      releaseFirstWrite.countDown();
      assertEquals(0, first.get(5, TimeUnit.SECONDS));
      for (int i = 1; i <= 5; i++) {
        assertEquals(i * 10, followers.get(i - 1).get(5, TimeUnit.SECONDS));
      }
      assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4, 5)), batches);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRefusedItemFailsOnlyItsOwnCaller() {
    GroupCommit<Integer, Integer> commits =
        new GroupCommit<>(
            1,
            10,
            items ->
                items.stream()
                    .map(
                        i ->
                            i < 0
                                ? Outcome.<Integer>failed(new IllegalArgumentException("negative"))
                                : Outcome.of(i))
                    .toList());
    assertEquals(3, commits.submit("c", 3));
    assertThrows(IllegalArgumentException.class, () -> commits.submit("c", -1));
  }

  @Test
  void aFailedBatchIsRetriedItemByItem() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    RuntimeException poison = new IllegalStateException("constraint violated");
    GroupCommit<Integer, Integer> commits =
        new GroupCommit<>(
            1,
            10,
            items -> {
              batches.add(items);
              if (items.contains(0)) {
                started.countDown();
                await(release);
              }
              if (items.contains(2)) {
                throw poison; // the whole transaction fails
              }
              return items.stream().map(Outcome::of).toList();
            });
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<Integer> blocker = pool.submit(() -> commits.submit("c", 0));
      await(started);
      List<Future<Integer>> waiting = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        int item = i;
        waiting.add(pool.submit(() -> commits.submit("c", item)));
        awaitQueued(commits, i);
      }
      release.countDown();
      assertEquals(0, blocker.get(5, TimeUnit.SECONDS));
      assertEquals(1, waiting.get(0).get(5, TimeUnit.SECONDS));
      Exception failed =
          assertThrows(Exception.class, () -> waiting.get(1).get(5, TimeUnit.SECONDS));
      assertSame(poison, failed.getCause());
      assertEquals(3, waiting.get(2).get(5, TimeUnit.SECONDS));
      assertEquals(
          List.of(List.of(0), List.of(1, 2, 3), List.of(1), List.of(2), List.of(3)), batches);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shardsWriteInParallelAndEveryItemIsWrittenOnce() throws Exception {
    AtomicInteger written = new AtomicInteger();
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer, Integer> commits =
        new GroupCommit<>(
            4,
            8,
            items -> {
              written.addAndGet(items.size());
              seen.addAll(items);
              return items.stream().map(Outcome::of).toList();
            });
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        int item = i;
        results.add(pool.submit(() -> commits.submit("chat-" + (item % 37), item)));
      }
      for (int i = 0; i < results.size(); i++) {
        assertEquals(i, results.get(i).get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2_000, written.get());
    assertEquals(2_000, seen.stream().distinct().count());
    assertTrue(seen.size() == 2_000);
  }

  @Test
  void refusesNonsenseSizes() {
    assertThrows(IllegalArgumentException.class, () -> new GroupCommit<>(0, 1, items -> List.of()));
    assertThrows(IllegalArgumentException.class, () -> new GroupCommit<>(1, 0, items -> List.of()));
  }

  private static void awaitQueued(GroupCommit<?, ?> commits, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (commits.queued() < expected) {
      assertTrue(System.nanoTime() < deadline, "never queued " + expected);
      Thread.sleep(1);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
