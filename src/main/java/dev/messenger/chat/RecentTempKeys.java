package dev.messenger.chat;

import com.carrotsearch.hppc.LongIntHashMap;

/**
 * One chat's messages of the resend window: each one's tempId key (64 bits of chat, sender and
 * tempId) and seq, oldest first, so that a resend is found without an index over every message ever
 * sent. Held under the chat's lock ({@link LocalChatSeqs.Lease#recent}); not thread-safe on its
 * own.
 *
 * <p>The seqs found under a key are candidates, newest first: one may have been rolled back and
 * handed out again, or belong to another tempId under the same key (once in 2^64 / n). Whoever
 * finds them reads those messages and checks sender and tempId before calling a send a resend.
 *
 * <p>Why HPPC's primitive map and three arrays, not a {@code LinkedHashMap<Long, ...>}: a message
 * stays here for the whole window, so every entry is promoted out of the young generation; boxed,
 * it would be three objects a message (about 90 bytes) for each young collection to copy and each
 * marking cycle to visit, against about 50 in arrays the collector does not look into (a ring of
 * three longs and a map slot of 12 bytes at most 75 % full, both sized in powers of two).
 */
public final class RecentTempKeys {
  private static final int FIRST_CAPACITY = 8;
  private static final long[] NONE = new long[0];

  /** How many entries of the ring hold each key: almost always one. */
  private LongIntHashMap entriesByKey = new LongIntHashMap();

  // A ring, oldest at `first`: the order in which entries expire.
  private long[] keys = new long[FIRST_CAPACITY];
  private long[] seqs = new long[FIRST_CAPACITY];
  private long[] atMillis = new long[FIRST_CAPACITY];
  private int first;
  private int size;

  /** The seqs of the messages stored under {@code key} in the window, newest first; often none. */
  public long[] seqsOf(long key) {
    int entries = entriesByKey.get(key);
    if (entries == 0) {
      return NONE;
    }
    long[] found = new long[entries];
    int n = 0;
    for (int i = size - 1; i >= 0 && n < entries; i--) {
      int at = (first + i) % keys.length;
      if (keys[at] == key) {
        found[n++] = seqs[at];
      }
    }
    return found;
  }

  /** A message stored under {@code key} at {@code seq}, after every message added before it. */
  public void add(long key, long seq, long storedAtMillis) {
    if (size == keys.length) {
      resize(keys.length * 2);
    }
    int at = (first + size) % keys.length;
    keys[at] = key;
    seqs[at] = seq;
    atMillis[at] = storedAtMillis;
    size++;
    entriesByKey.addTo(key, 1);
  }

  /** Forgets the messages stored before {@code cutoffMillis}; returns how many went. */
  public int expire(long cutoffMillis) {
    int removed = 0;
    while (size > 0 && atMillis[first] < cutoffMillis) {
      long key = keys[first];
      if (entriesByKey.addTo(key, -1) == 0) {
        entriesByKey.remove(key);
      }
      first = (first + 1) % keys.length;
      size--;
      removed++;
    }
    if (size == 0) {
      first = 0;
    }
    if (keys.length > FIRST_CAPACITY && size < keys.length / 4) {
      // A chat that was busy and is quiet again gives its memory back.
      resize(Math.max(FIRST_CAPACITY, keys.length / 2));
      LongIntHashMap left = new LongIntHashMap(entriesByKey.size());
      left.putAll(entriesByKey);
      entriesByKey = left;
    }
    return removed;
  }

  /** Messages in the window. */
  public int size() {
    return size;
  }

  private void resize(int capacity) {
    keys = unrolled(keys, capacity);
    seqs = unrolled(seqs, capacity);
    atMillis = unrolled(atMillis, capacity);
    first = 0;
  }

  private long[] unrolled(long[] ring, int capacity) {
    long[] copy = new long[capacity];
    int tail = Math.min(size, ring.length - first);
    System.arraycopy(ring, first, copy, 0, tail);
    System.arraycopy(ring, 0, copy, tail, size - tail);
    return copy;
  }
}
