package dev.messenger.storage;

import java.time.Instant;

/** Times are stored as epoch milliseconds and sent as ISO-8601 UTC strings. */
public final class EpochMillis {
  private EpochMillis() {}

  public static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  /** Null stays null (e.g. a message never edited). */
  public static String isoOrNull(Long millis) {
    return millis == null ? null : iso(millis);
  }
}
