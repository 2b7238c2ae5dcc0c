package dev.messenger.monitor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
}
