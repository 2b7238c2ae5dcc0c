package dev.messenger.monitor;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Remembers when each periodic job last ran; the monitor's ticks are never concurrent. */
final class MonitorSchedule {
  private final Map<String, Long> lastRun = new HashMap<>();

  /**
   * True (and remembered) when {@code interval} has passed since the job last ran, or it never ran.
   */
  boolean due(String job, long nowNanos, Duration interval) {
    Long last = lastRun.get(job);
    if (last != null && nowNanos - last < interval.toNanos()) {
      return false;
    }
    lastRun.put(job, nowNanos);
    return true;
  }
}
