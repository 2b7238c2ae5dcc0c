package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.messenger.protocol.MessageType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournaledSendTest {
  @Test
  void aBatchReadsBackAsWritten() {
    JournaledSend plain =
        new JournaledSend(
            new Message("m1", "c1", "alice", "hi", MessageType.TEXT, "[]", "t1", 1_000L, 7L),
            42L,
            List.of());
    JournaledSend odd =
        new JournaledSend(
            new Message(
                "m2",
                "c1",
                "bób",
                "emoji 😀, NUL \0, a long one " + "x".repeat(70_000),
                MessageType.IMAGE,
                "[{\"id\":\"a1\"}]",
                null,
                Long.MAX_VALUE,
                8L),
            null,
            List.of("a1", "a2"));
    JournaledSend keyedWithZero =
        new JournaledSend(
            new Message("m3", "c2", "carol", "", MessageType.FILE, null, "t3", 0L, 1L),
            0L,
            List.of("a3"));

    List<JournaledSend> decoded = JournaledSend.decode(entry(List.of(plain, odd, keyedWithZero)));

    assertEquals(3, decoded.size());
    assertSame(plain, decoded.get(0));
    assertSame(odd, decoded.get(1));
    assertSame(keyedWithZero, decoded.get(2));
  }

  @Test
  void anEntryOfAnotherVersionIsRefused() {
    byte[] entry = entry(List.of());
    entry[0] = 9;

    assertThrows(IllegalArgumentException.class, () -> JournaledSend.decode(entry));
  }

  @Test
  void anEntryCutShortIsRefused() {
    byte[] entry =
        entry(
            List.of(
                new JournaledSend(
                    new Message("m", "c", "u", "text", MessageType.TEXT, "[]", null, 1L, 1L),
                    null,
                    List.of())));

    assertThrows(
        IllegalArgumentException.class,
        () -> JournaledSend.decode(Arrays.copyOf(entry, entry.length - 1)));
    byte[] longer = Arrays.copyOf(entry, entry.length + 1);
    assertThrows(IllegalArgumentException.class, () -> JournaledSend.decode(longer));
  }

  private static void assertSame(JournaledSend expected, JournaledSend actual) {
    Message e = expected.message();
    Message a = actual.message();
    assertEquals(
        List.of(
            e.id(),
            e.chatId(),
            e.senderId(),
            e.content(),
            e.messageType(),
            String.valueOf(e.attachmentsJson()),
            String.valueOf(e.tempId()),
            e.createdAt(),
            e.seq()),
        List.of(
            a.id(),
            a.chatId(),
            a.senderId(),
            a.content(),
            a.messageType(),
            String.valueOf(a.attachmentsJson()),
            String.valueOf(a.tempId()),
            a.createdAt(),
            a.seq()));
    assertEquals(expected.tempKey(), actual.tempKey());
    assertEquals(expected.attachmentIds(), actual.attachmentIds());
  }

  /** The entry's bytes alone (the encoder's buffer may be longer). */
  static byte[] entry(List<JournaledSend> sends) {
    ByteBuffer buffer = JournaledSend.encode(sends);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
