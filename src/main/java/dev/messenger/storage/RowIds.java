package dev.messenger.storage;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered (version 7, RFC 9562) UUID strings for new rows: 48 bits of Unix milliseconds, then
 * 74 random bits from {@link ThreadLocalRandom}.
 *
 * <p>Time order keeps inserts at the right edge of every index on an id (messages, the event log's
 * message index): a commit rewrites one B-tree page there instead of one random page per row, which
 * was the largest cost of storing a message on H2 and is the classic cost of random keys on
 * PostgreSQL. {@link UUID#randomUUID()} would also draw from one shared {@code SecureRandom}, whose
 * lock every sending thread waited on (bench/README.md, hot spots). Row ids are names, not secrets:
 * every read and write is authorised against chat membership or ownership, so they must be unique,
 * not unpredictable; that they reveal their creation time is no leak, as every row carries it.
 */
public final class RowIds {
  private RowIds() {}

  public static String next() {
    return next(System.currentTimeMillis());
  }

  static String next(long epochMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long most = (epochMillis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL); // version 7
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(most, least).toString();
  }
}
