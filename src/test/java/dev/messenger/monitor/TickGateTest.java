package dev.messenger.monitor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TickGateTest {
  private final TickGate gate = new TickGate();

  @Test
  void aTickDoesNotOverlapTheOneUnderWay() {
    assertTrue(gate.enter());
    assertFalse(gate.enter());
    gate.exit();
    assertTrue(gate.enter());
  }

  @Test
  void closingWithNoTickRunningReturnsAtOnceAndRefusesLaterTicks() throws Exception {
    assertTrue(gate.close(Duration.ZERO));
    assertFalse(gate.enter());
  }

  @Test
  void closingWaitsForTheTickUnderWay() throws Exception {
    assertTrue(gate.enter());
    CompletableFuture<Boolean> closing =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return gate.close(Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });

    Thread.sleep(50);
    assertFalse(closing.isDone(), "close returned while the tick was still running");
    gate.exit();
    assertTrue(closing.get(10, TimeUnit.SECONDS));
    assertFalse(gate.enter());
  }

  @Test
  void closingGivesUpAfterItsLimitWhenTheTickIsStuck() throws Exception {
    assertTrue(gate.enter());
    assertFalse(gate.close(Duration.ofMillis(20)));
    assertFalse(gate.enter());
  }

  @Test
  void aStuckTickIsNamedWithWhereItIs() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread tick =
        new Thread(
            () -> {
              gate.enter();
              entered.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                gate.exit();
              }
            },
            "monitor-tick-under-test");
    tick.start();
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    try {
      assertFalse(gate.close(Duration.ofMillis(20)));
      assertSame(tick, gate.running());
      String warning = CleanupMonitor.stuckTick(gate.running());
      assertTrue(warning.contains("monitor-tick-under-test is at:"), warning);
      assertTrue(warning.contains("CountDownLatch.await"), warning);
    } finally {
      release.countDown();
      tick.join(10_000);
    }
    assertNull(gate.running());
  }
}
