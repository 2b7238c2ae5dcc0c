package dev.messenger.storage;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random (version 4) UUID strings for new rows, drawn from {@link ThreadLocalRandom}. {@link
 * UUID#randomUUID()} draws from one shared {@code SecureRandom}, whose lock every sending thread
 * waited on (bench/README.md, hot spots). Row ids are names, not secrets: every read and write is
 * authorised against chat membership, so they must be unique, not unpredictable.
 */
public final class RowIds {
  private RowIds() {}

  public static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long most = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(most, least).toString();
  }
}
