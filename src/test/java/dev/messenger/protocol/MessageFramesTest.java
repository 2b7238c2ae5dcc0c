package dev.messenger.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.messenger.protocol.ServerEvent.MessageSent;
import dev.messenger.protocol.ServerEvent.NewMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written message frames are JSON-B's text, byte for byte, whatever they carry. */
class MessageFramesTest {
  /** Every character class the escaping treats differently, and the ones it must leave alone. */
  private static final String[] PIECES = {
    "",
    "a",
    "hello world",
    "\"",
    "\\",
    "/",
    "\b",
    "\f",
    "\n",
    "\r",
    "\t",
    "\u0000",
    "\u0001",
    "\u001f",
    " ",
    "\u007f",
    "\u0080",
    "\u00e9",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\uffff",
    "\uD83D\uDE00",
    "\uD83D",
    "\uDE00",
    "\u65e5\u672c",
    "{\"event\":\"x\"}",
    "\\u0041",
    "null"
  };

  @Test
  void generatedPayloadsEncodeAsJsonbDoes() {
    Random random = new Random(20261202L);
    for (int i = 0; i < 20_000; i++) {
      NewMessage message = newMessage(random);
      assertEquals(
          EventEncoder.viaJsonb(EventName.NEW_MESSAGE, message),
          EventEncoder.frame(EventName.NEW_MESSAGE, message),
          () -> "new_message for " + message);
      MessageSent sent =
          new MessageSent(text(random), text(random), text(random), text(random), seq(random));
      assertEquals(
          EventEncoder.viaJsonb(EventName.MESSAGE_SENT, sent),
          EventEncoder.frame(EventName.MESSAGE_SENT, sent),
          () -> "message_sent for " + sent);
    }
  }

  @Test
  void everyCharacterBelowSpaceAndTheAsciiRangeEncodeAsJsonbDoes() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x100; c++) {
      all.append(c);
    }
    NewMessage message =
        new NewMessage(
            "m", "c", "u", all.toString(), MessageType.TEXT, List.of(), "t", null, Long.MIN_VALUE);
    assertEquals(
        EventEncoder.viaJsonb(EventName.NEW_MESSAGE, message),
        EventEncoder.frame(EventName.NEW_MESSAGE, message));
  }

  @Test
  void missingAttachmentsAndAllNullsEncodeAsJsonbDoes() {
    List<NewMessage> messages =
        List.of(
            new NewMessage(null, null, null, null, null, null, null, null, 0),
            new NewMessage(
                "m", "c", "u", "x", MessageType.FILE, Arrays.asList(null, null), "t", "", 1),
            new NewMessage(
                "m",
                "c",
                "u",
                "",
                MessageType.IMAGE,
                List.of(new Attachment(null, null, null, null, null)),
                "t",
                "t1",
                Long.MAX_VALUE));
    for (NewMessage message : messages) {
      assertEquals(
          EventEncoder.viaJsonb(EventName.NEW_MESSAGE, message),
          EventEncoder.frame(EventName.NEW_MESSAGE, message));
    }
    MessageSent empty = new MessageSent(null, null, null, null, -1);
    assertEquals(
        EventEncoder.viaJsonb(EventName.MESSAGE_SENT, empty),
        EventEncoder.frame(EventName.MESSAGE_SENT, empty));
  }

  private static NewMessage newMessage(Random random) {
    List<Attachment> attachments = null;
    if (random.nextInt(4) > 0) {
      attachments = new ArrayList<>();
      int count = random.nextInt(4);
      for (int i = 0; i < count; i++) {
        attachments.add(
            new Attachment(
                text(random),
                text(random),
                random.nextBoolean() ? null : random.nextLong(),
                text(random),
                text(random)));
      }
    }
    MessageType[] types = MessageType.values();
    return new NewMessage(
        text(random),
        text(random),
        text(random),
        text(random),
        random.nextInt(8) == 0 ? null : types[random.nextInt(types.length)],
        attachments,
        text(random),
        text(random),
        seq(random));
  }

  /** Null one time in eight, else a few pieces and random characters run together. */
  private static String text(Random random) {
    if (random.nextInt(8) == 0) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    int pieces = random.nextInt(6);
    for (int i = 0; i < pieces; i++) {
      if (random.nextBoolean()) {
        text.append(PIECES[random.nextInt(PIECES.length)]);
      } else {
        text.append((char) random.nextInt(Character.MAX_VALUE + 1));
      }
    }
    return text.toString();
  }

  private static long seq(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextLong();
      case 1 -> Long.MAX_VALUE;
      default -> random.nextInt(1_000_000);
    };
  }
}
