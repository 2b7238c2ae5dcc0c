package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class TempKeysTest {
  private final TempKeys keys = TempKeys.SHA_256;

  @Test
  void theKeyIsStoredSoItNeverChanges() {
    // Computed apart (Python hashlib): the first 8 bytes of SHA-256 over each field as a 4-byte
    // big-endian length and its UTF-8 bytes.
    assertEquals(keys.of("chat-1", "alice", "t1"), keys.of("chat-1", "alice", "t1"));
    assertEquals(0x40026b1ca16b833cL, keys.of("chat-1", "alice", "t1"));
  }

  @Test
  void everyFieldCountsAndFieldsDoNotRunIntoEachOther() {
    long key = keys.of("c", "alice", "t1");
    assertNotEquals(key, keys.of("d", "alice", "t1"));
    assertNotEquals(key, keys.of("c", "bob", "t1"));
    assertNotEquals(key, keys.of("c", "alice", "t2"));
    assertNotEquals(keys.of("c", "ab", "c"), keys.of("c", "a", "bc"));
  }

  @Test
  void unicodeIsHashedAsUtf8() {
    assertNotEquals(keys.of("c", "u", "é"), keys.of("c", "u", "e\u0301"));
  }
}
