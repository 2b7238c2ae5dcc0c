package dev.messenger.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecentTempKeysTest {
  private final RecentTempKeys recent = new RecentTempKeys();

  @Test
  void aKeyGivesTheSeqsStoredUnderItNewestFirst() {
    recent.add(7, 1, 100);
    recent.add(8, 2, 100);
    recent.add(7, 3, 101); // another tempId under the same key, or a resend after a rollback
    assertArrayEquals(new long[] {3, 1}, recent.seqsOf(7));
    assertArrayEquals(new long[] {2}, recent.seqsOf(8));
    assertArrayEquals(new long[0], recent.seqsOf(9));
    assertEquals(3, recent.size());
  }

  @Test
  void messagesStoredBeforeTheCutoffAreForgottenOldestFirst() {
    recent.add(7, 1, 100);
    recent.add(8, 2, 200);
    recent.add(7, 3, 300);

    assertEquals(0, recent.expire(100), "stored at the cutoff: still in");
    assertEquals(1, recent.expire(101));
    assertArrayEquals(new long[] {3}, recent.seqsOf(7), "the later one under the key stays");
    assertEquals(1, recent.expire(250));
    assertArrayEquals(new long[0], recent.seqsOf(8));
    assertEquals(1, recent.expire(Long.MAX_VALUE));
    assertArrayEquals(new long[0], recent.seqsOf(7));
    assertEquals(0, recent.size());
  }

  /** Through growth past the first capacity, wrapping round the ring, and shrinking back. */
  @Test
  void everyEntryIsKeptThroughGrowingWrappingAndShrinking() {
    long seq = 0;
    for (int round = 0; round < 5; round++) {
      // Add 1,000, expire all but the last 10: the ring wraps, grows, then shrinks.
      long firstOfRound = seq + 1;
      for (int i = 0; i < 1000; i++) {
        seq++;
        recent.add(seq * 31, seq, seq);
      }
      // The last round's 10 go too.
      assertEquals(round == 0 ? 990 : 1000, recent.expire(firstOfRound + 990));
      assertEquals(10, recent.size());
      for (long s = firstOfRound; s <= seq; s++) {
        long[] expected = s > seq - 10 ? new long[] {s} : new long[0];
        assertArrayEquals(expected, recent.seqsOf(s * 31), "seq " + s);
      }
    }
  }
}
