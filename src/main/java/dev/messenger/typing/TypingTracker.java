package dev.messenger.typing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is typing where. The return values tell the caller when the indicator changed, so it
 * broadcasts {@code isTyping} only on a change, never on every refresh.
 */
public final class TypingTracker {

  public record Typing(String chatId, String userId) {
    public Typing {
      Objects.requireNonNull(chatId);
      Objects.requireNonNull(userId);
    }
  }

  private final long timeoutMillis;

  /** Last typing_start time (millis) of each indicator. */
  private final ConcurrentHashMap<Typing, Long> lastStart = new ConcurrentHashMap<>();

  public TypingTracker(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("typing timeout must be positive: " + timeout);
    }
    this.timeoutMillis = timeout.toMillis();
  }

  /**
   * The user is typing; refreshes the expiry.
   *
   * @return true if they were not typing before (including an indicator that had expired but not
   *     yet been swept), so the caller broadcasts {@code isTyping=true}
   */
  public boolean start(String chatId, String userId, long nowMillis) {
    boolean[] started = {false};
    lastStart.compute(
        new Typing(chatId, userId),
        (key, last) -> {
          if (last == null || isExpired(last, nowMillis)) {
            started[0] = true;
            return nowMillis;
          }
          // Callers' clocks may be read slightly out of order; never move an expiry backwards.
          return Math.max(last, nowMillis);
        });
    return started[0];
  }

  /** Stops the indicator; true if the user was typing, so the caller broadcasts isTyping=false. */
  public boolean stop(String chatId, String userId) {
    return lastStart.remove(new Typing(chatId, userId)) != null;
  }

  /** Removes and returns the indicators not refreshed within the timeout. */
  public List<Typing> expire(long nowMillis) {
    List<Typing> expired = new ArrayList<>();
    for (Map.Entry<Typing, Long> entry : lastStart.entrySet()) {
      // Conditional remove: a start() that refreshed the entry meanwhile wins.
      if (isExpired(entry.getValue(), nowMillis)
          && lastStart.remove(entry.getKey(), entry.getValue())) {
        expired.add(entry.getKey());
      }
    }
    return expired;
  }

  /**
   * The user's last connection closed: removes and returns all their indicators. Scans every entry,
   * which is cheap because only users typing right now have one.
   */
  public List<Typing> stopAll(String userId) {
    Objects.requireNonNull(userId);
    List<Typing> stopped = new ArrayList<>();
    for (Typing typing : lastStart.keySet()) {
      if (typing.userId().equals(userId) && lastStart.remove(typing) != null) {
        stopped.add(typing);
      }
    }
    return stopped;
  }

  public int size() {
    return lastStart.size();
  }

  private boolean isExpired(long lastStartMillis, long nowMillis) {
    return nowMillis - lastStartMillis >= timeoutMillis;
  }
}
