package dev.messenger.bench;

/**
 * A message's {@code tempId} carries its send time (nanoseconds since the run's origin), so the
 * latency of {@code message_sent} and of every {@code new_message} is computed from the frame
 * alone, without a shared map of messages in flight; the sender's index and counter keep it unique
 * per user, as the server's de-duplication requires.
 */
final class TempIds {
  private TempIds() {}

  static String format(long sentNanos, int client, long counter) {
    return Long.toString(sentNanos, 36) + "." + client + "." + counter;
  }

  /** The send time in a tempId this run wrote, or -1 for anything else. */
  static long sentNanos(String tempId) {
    if (tempId == null) {
      return -1;
    }
    int dot = tempId.indexOf('.');
    if (dot <= 0 || tempId.indexOf('.', dot + 1) < 0) {
      return -1;
    }
    try {
      long nanos = Long.parseLong(tempId, 0, dot, 36);
      return nanos >= 0 ? nanos : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
