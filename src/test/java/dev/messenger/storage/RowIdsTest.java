package dev.messenger.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RowIdsTest {

  @Test
  void idsAreVersionSevenUuidsAndDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String id = RowIds.next();
      UUID uuid = UUID.fromString(id);
      assertEquals(7, uuid.version(), id);
      assertEquals(2, uuid.variant(), id);
      assertEquals(id, uuid.toString());
      seen.add(id);
    }
    assertEquals(100_000, seen.size());
  }

  @Test
  void idsCarryTheirMillisecondAndSortByIt() {
    long t = 1_764_480_000_123L; // 2025-11-30T05:20:00.123Z
    String id = RowIds.next(t);
    assertEquals(t, UUID.fromString(id).getMostSignificantBits() >>> 16);
    // Later milliseconds sort after earlier ones, as text too (what an index on the column sees).
    for (int i = 0; i < 1_000; i++) {
      assertTrue(RowIds.next(t + 1 + i).compareTo(RowIds.next(t + i)) > 0);
    }
    assertTrue(id.startsWith(String.format("%08x-%04x-7", t >>> 16, t & 0xFFFF)), id);
  }
}
