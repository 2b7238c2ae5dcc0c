package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class FramesTest {
  @Test
  void readsTheFieldsOfANewMessageAndSkipsTheRest() {
    Frames.Inbound in =
        Frames.read(
            "{\"event\":\"new_message\",\"data\":{\"attachments\":[{\"url\":\"u\"}],\"chatId\":\"c1\","
                + "\"content\":\"hi\",\"seq\":3,\"tempId\":\"t1\"}}");
    assertEquals(new Frames.Inbound("new_message", "t1", null, "c1"), in);
  }

  @Test
  void readsAnErrorCode() {
    Frames.Inbound in =
        Frames.read(
            "{\"event\":\"error\",\"data\":{\"code\":\"RATE_LIMITED\",\"retryAfterMs\":10,"
                + "\"tempId\":\"t9\"}}");
    assertEquals("RATE_LIMITED", in.code());
    assertEquals("t9", in.tempId());
  }

  @Test
  void whatIsNotAnEnvelopeIsNull() {
    assertNull(Frames.read("not json"));
    assertNull(Frames.read("[1,2]"));
    assertNull(Frames.read("{\"data\":{}}"));
    assertNull(Frames.read("{\"event\":5}"));
  }

  @Test
  void sendMessageRoundTrips() {
    String frame = Frames.sendMessage("chat \"1\"", "t.1.2", "x");
    assertEquals(
        "{\"event\":\"send_message\",\"data\":{\"chatId\":\"chat \\\"1\\\"\",\"content\":\"x\","
            + "\"tempId\":\"t.1.2\"}}",
        frame);
    assertEquals(
        new Frames.Inbound("send_message", "t.1.2", null, "chat \"1\""), Frames.read(frame));
  }

  @Test
  void joinChatHasOnlyTheChat() {
    assertEquals("{\"event\":\"join_chat\",\"data\":{\"chatId\":\"c\"}}", Frames.joinChat("c"));
  }
}
