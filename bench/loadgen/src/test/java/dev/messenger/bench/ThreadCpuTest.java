package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void aTaskStatGivesTheGroupAndTheUserPlusSystemTicks() {
    ThreadCpu.Sample gc = ThreadCpu.parse("77 (GC Thread#1) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20");
    assertEquals(new ThreadCpu.Sample("GC Thread", 300), gc);
    ThreadCpu.Sample odd = ThreadCpu.parse("78 (a (b) c 2) S 1 2 3 4 5 6 7 8 9 10 7 3 0 0 20");
    assertEquals(new ThreadCpu.Sample("a (b) c", 10), odd);
  }

  @Test
  void threadsOfOnePoolShareAGroup() {
    assertEquals("GC Thread", ThreadCpu.group("GC Thread#0"));
    assertEquals("C2 CompilerThread", ThreadCpu.group("C2 CompilerThread12"));
    assertEquals("Default Executo", ThreadCpu.group("Default Executo"));
    assertEquals("pool-thread", ThreadCpu.group("pool-thread-3"));
    assertEquals("H2-serialization", ThreadCpu.group("H2-serialization"));
    assertEquals("1234", ThreadCpu.group("1234"));
  }

  @Test
  void sharesCountNewThreadsFromZeroAndEndedOnesAsTheRemainder() {
    Map<Long, ThreadCpu.Sample> before =
        Map.of(
            1L, new ThreadCpu.Sample("lane", 100),
            2L, new ThreadCpu.Sample("writer", 50),
            3L, new ThreadCpu.Sample("executor", 10));
    Map<Long, ThreadCpu.Sample> after =
        Map.of(
            1L, new ThreadCpu.Sample("lane", 160),
            2L, new ThreadCpu.Sample("writer", 70),
            4L, new ThreadCpu.Sample("lane", 20));
    // Thread 3 ended and took 20 ticks the second reading cannot see: the process used 120.
    Map<String, Double> shares = ThreadCpu.shares(before, after, 120);
    assertEquals(List.of("lane", "writer", ThreadCpu.ENDED), List.copyOf(shares.keySet()));
    assertEquals(80 / 120.0, shares.get("lane"), 1e-9);
    assertEquals(20 / 120.0, shares.get("writer"), 1e-9);
    assertEquals(20 / 120.0, shares.get(ThreadCpu.ENDED), 1e-9);
  }

  @Test
  void groupsPastTheNamedOnesAddUpAsOther() {
    Map<Long, ThreadCpu.Sample> after = new HashMap<>();
    for (long t = 1; t <= ThreadCpu.NAMED + 2; t++) {
      after.put(t, new ThreadCpu.Sample("g" + t, t));
    }
    long total = after.values().stream().mapToLong(ThreadCpu.Sample::ticks).sum();
    Map<String, Double> shares = ThreadCpu.shares(Map.of(), after, total);
    assertEquals(ThreadCpu.NAMED + 1, shares.size());
    assertTrue(shares.containsKey("g" + (ThreadCpu.NAMED + 2)), "the largest are named");
    assertEquals(3.0 / total, shares.get(ThreadCpu.OTHER), 1e-9, "g1 and g2 are the smallest");
    assertFalse(shares.containsKey(ThreadCpu.ENDED));
    assertEquals(1.0, shares.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
  }

  @Test
  void noTimeUsedGivesNoShares() {
    assertTrue(ThreadCpu.shares(Map.of(), Map.of(1L, new ThreadCpu.Sample("a", 5)), 0).isEmpty());
  }

  @Test
  void readsTheThreadsOfALiveProcessAndNothingOfAGoneOne() {
    Map<Long, ThreadCpu.Sample> own = ThreadCpu.read(ProcessHandle.current().pid());
    assertTrue(own.size() > 1, "this JVM has several threads: " + own);
    assertTrue(own.values().stream().allMatch(s -> s.ticks() >= 0 && !s.group().isEmpty()));
    assertTrue(ThreadCpu.read(Long.MAX_VALUE).isEmpty());
  }

  @Test
  void aWindowKeepsTheTimeOfAThreadThatEndedAfterItsLastReading() throws Exception {
    ThreadCpu.Window window = new ThreadCpu.Window(ProcessHandle.current().pid());
    CountDownLatch spun = new CountDownLatch(1);
    CountDownLatch seen = new CountDownLatch(1);
    Thread burner =
        new Thread(
            () -> {
              long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
              while (System.nanoTime() < until) {
                Thread.onSpinWait(); // 300 ms of CPU, at least 30 ticks
              }
              spun.countDown();
              try {
                seen.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "burner-7");
    burner.start();
    assertTrue(spun.await(10, TimeUnit.SECONDS));
    window.read();
    seen.countDown();
    burner.join();
    window.read();

    Map<String, Double> shares = window.shares(1_000_000);
    assertTrue(shares.getOrDefault("burner", 0.0) > 0, "the ended thread still counts: " + shares);
  }
}
