package dev.messenger.monitor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MonitorScheduleTest {

  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);
  private static final long T0 = 5_000_000_000L;

  private final MonitorSchedule schedule = new MonitorSchedule();

  @Test
  void aJobThatNeverRanIsDue() {
    assertTrue(schedule.due("ping", T0, TEN_SECONDS));
  }

  @Test
  void aJobIsNotDueAgainBeforeItsInterval() {
    schedule.due("ping", T0, TEN_SECONDS);

    assertFalse(schedule.due("ping", T0, TEN_SECONDS));
    assertFalse(schedule.due("ping", T0 + TEN_SECONDS.toNanos() - 1, TEN_SECONDS));
  }

  @Test
  void aJobIsDueExactlyAtItsIntervalAndAfter() {
    schedule.due("ping", T0, TEN_SECONDS);

    assertTrue(schedule.due("ping", T0 + TEN_SECONDS.toNanos(), TEN_SECONDS));
    // The run just now restarts the interval, so a later tick counts from it, not from T0.
    assertFalse(schedule.due("ping", T0 + TEN_SECONDS.toNanos() + 1, TEN_SECONDS));
    assertTrue(schedule.due("ping", T0 + 3 * TEN_SECONDS.toNanos(), TEN_SECONDS));
  }

  @Test
  void aTickThatIsNotDueDoesNotPostponeTheJob() {
    schedule.due("ping", T0, TEN_SECONDS);
    schedule.due("ping", T0 + 9_000_000_000L, TEN_SECONDS);

    assertTrue(schedule.due("ping", T0 + TEN_SECONDS.toNanos(), TEN_SECONDS));
  }

  @Test
  void jobsAreScheduledIndependently() {
    assertTrue(schedule.due("ping", T0, TEN_SECONDS));
    assertTrue(schedule.due("report", T0 + 1, Duration.ofMinutes(1)), "ping's run is not report's");

    long later = T0 + TEN_SECONDS.toNanos();
    assertTrue(schedule.due("ping", later, TEN_SECONDS));
    assertFalse(schedule.due("report", later, Duration.ofMinutes(1)));
  }

  @Test
  void nanoTimeMayBeNegative() {
    // System.nanoTime() has an arbitrary origin, so "never ran" must not be encoded as a value.
    long start = -TEN_SECONDS.toNanos() / 2;
    assertTrue(schedule.due("evict", start, TEN_SECONDS));
    assertFalse(schedule.due("evict", start + 1, TEN_SECONDS));
    assertTrue(schedule.due("evict", start + TEN_SECONDS.toNanos(), TEN_SECONDS));
  }
}
