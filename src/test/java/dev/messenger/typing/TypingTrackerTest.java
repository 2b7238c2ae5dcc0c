package dev.messenger.typing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.typing.TypingTracker.Typing;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TypingTrackerTest {

  private final TypingTracker tracker = new TypingTracker(Duration.ofSeconds(5));

  @Test
  void startReportsOnlyTheFirstStart() {
    assertTrue(tracker.start("chat1", "alice", 1_000));
    assertFalse(tracker.start("chat1", "alice", 2_000));
    assertTrue(tracker.start("chat2", "alice", 2_000), "another chat is another indicator");
    assertTrue(tracker.start("chat1", "bob", 2_000));
    assertEquals(3, tracker.size());
  }

  @Test
  void stopReportsWhetherTheUserWasTyping() {
    tracker.start("chat1", "alice", 1_000);

    assertTrue(tracker.stop("chat1", "alice"));
    assertFalse(tracker.stop("chat1", "alice"));
    assertFalse(tracker.stop("chat1", "bob"));
    assertEquals(0, tracker.size());
  }

  @Test
  void expiresAtTheTimeout() {
    tracker.start("chat1", "alice", 1_000);

    assertEquals(List.of(), tracker.expire(5_999));
    assertEquals(List.of(new Typing("chat1", "alice")), tracker.expire(6_000));
    assertEquals(0, tracker.size());
    assertEquals(List.of(), tracker.expire(7_000), "reported once");
  }

  @Test
  void refreshingPostponesExpiry() {
    tracker.start("chat1", "alice", 1_000);
    tracker.start("chat1", "alice", 4_000);

    assertEquals(List.of(), tracker.expire(8_999));
    assertEquals(List.of(new Typing("chat1", "alice")), tracker.expire(9_000));
  }

  @Test
  void anOutOfOrderRefreshDoesNotMoveExpiryBack() {
    tracker.start("chat1", "alice", 4_000);
    tracker.start("chat1", "alice", 3_000);

    assertEquals(List.of(), tracker.expire(8_999));
  }

  @Test
  void expiresOnlyStaleEntries() {
    tracker.start("chat1", "alice", 1_000);
    tracker.start("chat1", "bob", 3_000);

    assertEquals(List.of(new Typing("chat1", "alice")), tracker.expire(6_000));
    assertEquals(1, tracker.size());
  }

  @Test
  void startAfterUnsweptExpiryCountsAsANewStart() {
    tracker.start("chat1", "alice", 1_000);

    assertTrue(tracker.start("chat1", "alice", 6_000), "the indicator had already run out");
    assertEquals(List.of(), tracker.expire(6_000));
  }

  @Test
  void stopAllRemovesEveryIndicatorOfTheUser() {
    tracker.start("chat1", "alice", 1_000);
    tracker.start("chat2", "alice", 1_000);
    tracker.start("chat1", "bob", 1_000);

    List<Typing> stopped = tracker.stopAll("alice");

    assertEquals(
        Set.of(new Typing("chat1", "alice"), new Typing("chat2", "alice")), Set.copyOf(stopped));
    assertEquals(2, stopped.size());
    assertEquals(1, tracker.size());
    assertEquals(List.of(), tracker.stopAll("alice"));
    assertFalse(tracker.stop("chat1", "alice"));
  }
}
