package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TempIdsTest {
  @Test
  void carriesTheSendTime() {
    long nanos = 123_456_789_012L;
    assertEquals(nanos, TempIds.sentNanos(TempIds.format(nanos, 42, 7)));
  }

  @Test
  void isUniquePerClientAndCounter() {
    assertEquals("1.2.3", TempIds.format(1, 2, 3));
    assertEquals("1.2.4", TempIds.format(1, 2, 4));
  }

  @Test
  void foreignTempIdsGiveMinusOne() {
    assertEquals(-1, TempIds.sentNanos(null));
    assertEquals(-1, TempIds.sentNanos("t1"));
    assertEquals(-1, TempIds.sentNanos("abc.1"));
    assertEquals(-1, TempIds.sentNanos(".1.2"));
    assertEquals(-1, TempIds.sentNanos("!!.1.2"));
    assertEquals(-1, TempIds.sentNanos("-5.1.2"));
  }
}
