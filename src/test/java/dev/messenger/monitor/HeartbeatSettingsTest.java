package dev.messenger.monitor;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatSettingsTest {

  @Test
  void theDefaultsWork() {
    assertNull(CleanupMonitor.heartbeatProblem(Duration.ofSeconds(30), Duration.ofSeconds(90)));
  }

  @Test
  void pingsNoMoreOftenThanTheIdleTimeoutAreNamed() {
    String problem =
        CleanupMonitor.heartbeatProblem(Duration.ofSeconds(90), Duration.ofSeconds(90));
    assertTrue(problem.contains("messenger.heartbeat.ping-interval-ms (90000)"), problem);
    assertTrue(problem.contains("idle-timeout-ms (90000)"), problem);
  }
}
