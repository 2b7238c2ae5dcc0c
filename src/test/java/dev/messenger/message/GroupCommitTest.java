package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.message.GroupCommit.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  /** Every group commit a test made, closed after it (its threads end). */
  private final List<GroupCommit<?, ?>> made = new ArrayList<>();

  private final List<Thread> threadsMade = Collections.synchronizedList(new ArrayList<>());

  private final ThreadFactory pool =
      task -> {
        Thread thread = new Thread(task);
        threadsMade.add(thread);
        return thread;
      };

  @AfterEach
  void stop() {
    for (GroupCommit<?, ?> commits : made) {
      assertTrue(commits.close(Duration.ofSeconds(5)), "threads still running");
    }
    for (Thread thread : threadsMade) {
      assertFalse(thread.isAlive(), thread.getName());
    }
  }

  private <I, O> GroupCommit<I, O> made(GroupCommit<I, O> commits) {
    made.add(commits);
    return commits;
  }

  /** Outcomes by item, in completion order. */
  private final List<Integer> completedInOrder = Collections.synchronizedList(new ArrayList<>());

  private final Map<Integer, Outcome<Integer>> outcomes = new ConcurrentHashMap<>();

  private void submit(GroupCommit<Integer, Integer> commits, String key, int item) {
    assertTrue(
        commits.submit(
            key,
            item,
            outcome -> {
              outcomes.put(item, outcome);
              completedInOrder.add(item);
            }));
  }

  private void awaitCompleted(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (completedInOrder.size() < count) {
      assertTrue(System.nanoTime() < deadline, "only " + completedInOrder.size() + " completed");
      Thread.sleep(1);
    }
  }

  /** The writer that stores every item as it is. */
  private static <T> List<Outcome<T>> asIs(List<T> items) {
    return items.stream().map(Outcome::of).toList();
  }

  /** One shard, one lane, batches of up to 10, room for 100, no linger. */
  private GroupCommit<Integer, Integer> oneShard(
      Function<List<Integer>, List<Outcome<Integer>>> writer) {
    return made(new GroupCommit<>(1, 10, 100, 0, pool, writer));
  }

  private static Function<List<Integer>, List<Outcome<Integer>>> timesTen(
      List<List<Integer>> batches) {
    return items -> {
      batches.add(items);
      return items.stream().map(i -> Outcome.of(i * 10)).toList();
    };
  }

  @Test
  void aLoneItemIsABatchOfOneAndTheCallerDoesNotWait() throws Exception {
    List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer, Integer> commits =
        made(new GroupCommit<>(2, 10, 100, 0, pool, timesTen(batches)));
    submit(commits, "chat", 1);
    awaitCompleted(1);
    submit(commits, "chat", 2);
    awaitCompleted(2);
    assertEquals(10, outcomes.get(1).value());
    assertEquals(20, outcomes.get(2).value());
    assertEquals(List.of(List.of(1), List.of(2)), batches);
  }

  @Test
  void itemsArrivingDuringAWriteShareTheNextBatchAndCompleteInArrivalOrder() throws Exception {
    HoldingWriter writer = new HoldingWriter(timesTen(new ArrayList<>()));
    GroupCommit<Integer, Integer> commits = made(new GroupCommit<>(1, 100, 100, 0, pool, writer));
    submit(commits, "c", 0);
    await(writer.started);
    for (int i = 1; i <= 5; i++) {
      submit(commits, "c", i); // returns at once although the shard is busy writing
    }
    assertEquals(6, commits.queued(), "the one being written counts too");
    writer.release.countDown();
    awaitCompleted(6);
    assertEquals(List.of(0, 1, 2, 3, 4, 5), completedInOrder);
    assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4, 5)), writer.batches);
    assertEquals(50, outcomes.get(5).value());
    assertEquals(0, commits.queued());
  }

  @Test
  void batchesAreCutAtMaxBatch() throws Exception {
    HoldingWriter writer = new HoldingWriter(timesTen(new ArrayList<>()));
    GroupCommit<Integer, Integer> commits = made(new GroupCommit<>(1, 3, 100, 0, pool, writer));
    submit(commits, "c", 0);
    await(writer.started);
    for (int i = 1; i <= 7; i++) {
      submit(commits, "c", i);
    }
    writer.release.countDown();
    awaitCompleted(8);
    assertEquals(
        List.of(List.of(0), List.of(1, 2, 3), List.of(4, 5, 6), List.of(7)),
        List.copyOf(writer.batches));
  }

  @Test
  void aRefusedItemFailsOnlyItself() throws Exception {
    GroupCommit<Integer, Integer> commits =
        oneShard(
            items ->
                items.stream()
                    .map(
                        i ->
                            i < 0
                                ? Outcome.<Integer>failed(new IllegalArgumentException("negative"))
                                : Outcome.of(i))
                    .toList());
    submit(commits, "c", 3);
    submit(commits, "c", -1);
    awaitCompleted(2);
    assertEquals(3, outcomes.get(3).value());
    assertTrue(outcomes.get(3).ok());
    assertFalse(outcomes.get(-1).ok());
    assertNull(outcomes.get(-1).value());
    assertTrue(outcomes.get(-1).failure() instanceof IllegalArgumentException);
  }

  @Test
  void aFailedBatchIsRetriedItemByItem() throws Exception {
    RuntimeException poison = new IllegalStateException("constraint violated");
    HoldingWriter writer =
        new HoldingWriter(
            items -> {
              if (items.contains(2)) {
                throw poison; // the whole transaction fails
              }
              return asIs(items);
            });
    GroupCommit<Integer, Integer> commits = oneShard(writer);
    submit(commits, "c", 0);
    await(writer.started);
    for (int i = 1; i <= 3; i++) {
      submit(commits, "c", i);
    }
    writer.release.countDown();
    awaitCompleted(4);
    assertEquals(1, outcomes.get(1).value());
    assertSame(poison, outcomes.get(2).failure());
    assertEquals(3, outcomes.get(3).value());
    assertEquals(List.of(0, 1, 2, 3), completedInOrder);
    assertEquals(
        List.of(List.of(0), List.of(1, 2, 3), List.of(1), List.of(2), List.of(3)), writer.batches);
  }

  @Test
  void aFullShardRefusesNewItemsUntilItDrains() throws Exception {
    HoldingWriter writer = new HoldingWriter(timesTen(new ArrayList<>()));
    GroupCommit<Integer, Integer> commits = made(new GroupCommit<>(1, 10, 3, 0, pool, writer));
    submit(commits, "c", 0); // being written: counted until completed
    await(writer.started);
    submit(commits, "c", 1);
    submit(commits, "c", 2);
    assertFalse(commits.submit("c", 3, outcome -> completedInOrder.add(3)), "shard full");
    writer.release.countDown();
    awaitCompleted(3);
    submit(commits, "c", 4);
    awaitCompleted(4);
    assertEquals(List.of(0, 1, 2, 4), completedInOrder);
  }

  @Test
  void aSlowCompletionHoldsBackOnlyItsLane() throws Exception {
    GroupCommit<Integer, Integer> commits =
        made(new GroupCommit<>(1, 2, 10, 100, 0, pool, GroupCommitTest::asIs));
    // Two keys that fall in different lanes, and a third in the first one's.
    String slow = "chat-0";
    String other = null;
    String sameLane = null;
    for (int i = 1; other == null || sameLane == null; i++) {
      String key = "chat-" + i;
      if (laneOf(key, 2) != laneOf(slow, 2)) {
        other = other == null ? key : other;
      } else {
        sameLane = sameLane == null ? key : sameLane;
      }
    }
    CountDownLatch release = new CountDownLatch(1);
    assertTrue(
        commits.submit(
            slow,
            0,
            outcome -> {
              await(release); // a completion writing to a slow socket, say
              completedInOrder.add(0);
            }));
    submit(commits, sameLane, 1);
    submit(commits, other, 2);

    awaitCompleted(1);
    assertEquals(List.of(2), completedInOrder, "the other lane went on; the same lane waits");
    release.countDown();
    awaitCompleted(3);
    assertEquals(List.of(2, 0, 1), completedInOrder);
  }

  /** The lane GroupCommit gives a key (the same mixing). */
  private static int laneOf(String key, int lanes) {
    return Math.floorMod((key.hashCode() * 0x9E3779B9) >>> 16, lanes);
  }

  @Test
  void itemsWaitingForTheirCompletionCountAgainstTheBound() throws Exception {
    GroupCommit<Integer, Integer> commits =
        made(new GroupCommit<>(1, 10, 2, 0, pool, GroupCommitTest::asIs));
    CountDownLatch completing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    assertTrue(
        commits.submit(
            "c",
            0,
            outcome -> {
              completing.countDown();
              await(release); // a completion writing to a slow socket, say
              completedInOrder.add(0);
            }));
    await(completing);
    submit(commits, "c", 1); // written, then waits behind the first completion
    assertFalse(
        commits.submit("c", 2, outcome -> completedInOrder.add(2)),
        "the writer is idle, but two items are not completed yet");

    release.countDown();
    awaitCompleted(2);
    submit(commits, "c", 3);
    awaitCompleted(3);
    assertEquals(List.of(0, 1, 3), completedInOrder);
  }

  @Test
  void aFailingCompletionDoesNotCostTheOthersTheirs() throws Exception {
    GroupCommit<Integer, Integer> commits = oneShard(GroupCommitTest::asIs);
    assertTrue(
        commits.submit(
            "c",
            1,
            outcome -> {
              throw new IllegalStateException("the peer is gone");
            }));
    submit(commits, "c", 2);
    awaitCompleted(1);
    assertEquals(2, outcomes.get(2).value());
  }

  @Test
  void closingWritesWhatWasAcceptedWithoutLingeringThenRefusesAndEndsTheThreads() throws Exception {
    List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    // A linger of a minute: only the close can have cut it short.
    GroupCommit<Integer, Integer> commits =
        new GroupCommit<>(1, 2, 10, 100, 60_000_000, pool, timesTen(batches));
    submit(commits, "a", 1);
    submit(commits, "b", 2);
    assertTrue(commits.close(Duration.ofSeconds(5)));
    assertEquals(List.of(List.of(1, 2)), batches);
    assertEquals(10, outcomes.get(1).value());
    assertEquals(20, outcomes.get(2).value());
    assertFalse(commits.submit("a", 3, outcome -> outcomes.put(3, outcome)));
    assertEquals(0, commits.queued());
    assertEquals(3, threadsMade.size()); // a writer and two lanes
    for (Thread thread : threadsMade) {
      assertFalse(thread.isAlive(), thread.getName());
    }
  }

  @Test
  void aWriterStillWritingWhenTheGraceRunsOutHasItsItemsCompletedAfter() throws Exception {
    HoldingWriter writer = new HoldingWriter(timesTen(new ArrayList<>()));
    GroupCommit<Integer, Integer> commits = oneShard(writer);
    submit(commits, "c", 0);
    await(writer.started);
    assertFalse(commits.close(Duration.ofMillis(50)), "the writer is still holding its batch");
    writer.release.countDown();
    awaitCompleted(1); // the lane did not end before the writer handed its batch on
    assertEquals(0, outcomes.get(0).value());
    assertEquals(0, commits.queued());
  }

  @Test
  void aLingeringWriterIsWokenByAFullBatch() throws Exception {
    List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer, Integer> commits =
        made(new GroupCommit<>(1, 3, 100, 60_000_000, pool, timesTen(batches)));
    for (int i = 1; i <= 3; i++) {
      submit(commits, "c", i);
    }
    awaitCompleted(3); // within awaitCompleted's 10 s, not the minute's linger
    assertEquals(List.of(List.of(1, 2, 3)), batches);
  }

  @Test
  void aWriterFailingWithAnErrorFailsItsBatchAndGoesOn() throws Exception {
    GroupCommit<Integer, Integer> commits =
        oneShard(
            items -> {
              if (items.contains(1)) {
                throw new AssertionError("a broken writer");
              }
              return asIs(items);
            });
    submit(commits, "c", 1);
    awaitCompleted(1);
    assertFalse(outcomes.get(1).ok());
    submit(commits, "c", 2);
    awaitCompleted(2);
    assertEquals(2, outcomes.get(2).value());
    assertEquals(0, commits.queued());
  }

  @Test
  void anInterruptedWriterEndsAndTheShardRefusesMore() throws Exception {
    GroupCommit<Integer, Integer> commits = oneShard(GroupCommitTest::asIs);
    submit(commits, "c", 1);
    awaitCompleted(1);
    Thread writer =
        threadsMade.stream().filter(t -> t.getName().contains("writer")).findFirst().orElseThrow();
    writer.interrupt(); // as a container stopping the threads of its factory does
    writer.join(5_000);
    assertFalse(writer.isAlive());
    assertFalse(commits.submit("c", 2, outcome -> outcomes.put(2, outcome)));
  }

  @Test
  void anIdleWriterLingersSoThatItemsArrivingMeanwhileShareItsCommit() throws Exception {
    List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer, Integer> commits =
        made(new GroupCommit<>(1, 10, 100, 300_000, pool, timesTen(batches)));
    for (int i = 1; i <= 4; i++) {
      submit(commits, "c", i); // well within the 300 ms the first one waits
    }
    awaitCompleted(4);
    assertEquals(List.of(List.of(1, 2, 3, 4)), batches);
  }

  @Test
  void aBusyWriterStillLingersSoThatABatchIsNotCutBeforeItsOldestItemWaited() throws Exception {
    HoldingWriter writer = new HoldingWriter(timesTen(new ArrayList<>()));
    GroupCommit<Integer, Integer> commits =
        made(new GroupCommit<>(1, 10, 100, 1_000_000, pool, writer));
    submit(commits, "c", 0);
    await(writer.started); // the writer is busy (its first batch waited its second)
    submit(commits, "c", 1);
    writer.release.countDown();
    Thread.sleep(100);
    // Item 1 has waited well under the linger: without it, 1 would have gone alone at the release.
    submit(commits, "c", 2);
    awaitCompleted(3);
    assertEquals(List.of(List.of(0), List.of(1, 2)), List.copyOf(writer.batches));
  }

  @Test
  void everyItemIsWrittenOnceAndEachKeyCompletesInWriteOrder() throws Exception {
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer, Integer> commits =
        made(
            new GroupCommit<>(
                4,
                3, // lanes: each key in one of them, in write order
                8,
                10_000,
                0,
                pool,
                items -> {
                  seen.addAll(items);
                  return asIs(items);
                }));
    ExecutorService submitters = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(
            submitters.submit(
                () -> {
                  for (int i = thread; i < 2_000; i += 8) {
                    submit(commits, "chat-" + (i % 37), i);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
      awaitCompleted(2_000);
    } finally {
      submitters.shutdownNow();
    }
    assertEquals(2_000, seen.size());
    assertEquals(2_000, seen.stream().distinct().count());
    for (int key = 0; key < 37; key++) {
      int k = key;
      List<Integer> written = seen.stream().filter(i -> i % 37 == k).toList();
      List<Integer> completed = completedInOrder.stream().filter(i -> i % 37 == k).toList();
      assertEquals(written, completed, "key " + key);
    }
  }

  @Test
  void refusesNonsenseSizes() {
    Function<List<Object>, List<Outcome<Object>>> none = items -> List.of();
    assertThrows(IllegalArgumentException.class, () -> new GroupCommit<>(0, 1, 10, 0, pool, none));
    assertThrows(IllegalArgumentException.class, () -> new GroupCommit<>(1, 0, 10, 0, pool, none));
    assertThrows(IllegalArgumentException.class, () -> new GroupCommit<>(4, 1, 3, 0, pool, none));
    assertThrows(
        IllegalArgumentException.class, () -> new GroupCommit<>(1, 0, 1, 10, 0, pool, none));
  }

  /** A writer that records its batches and holds the one with item 0 until released. */
  private static final class HoldingWriter
      implements Function<List<Integer>, List<Outcome<Integer>>> {
    final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final Function<List<Integer>, List<Outcome<Integer>>> then;

    HoldingWriter(Function<List<Integer>, List<Outcome<Integer>>> then) {
      this.then = then;
    }

    @Override
    public List<Outcome<Integer>> apply(List<Integer> items) {
      batches.add(items);
      if (items.contains(0)) {
        started.countDown();
        await(release);
      }
      return then.apply(items);
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
