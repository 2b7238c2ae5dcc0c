package dev.messenger.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.messenger.protocol.ServerEvent.MessageEdited;
import dev.messenger.protocol.ServerEvent.MessageSent;
import dev.messenger.protocol.ServerEvent.NewMessage;
import dev.messenger.protocol.ServerEvent.UserTyping;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventEncoderTest {

  @Test
  void frameHasTheEnvelopeShape() {
    MessageSent sent = new MessageSent("t1", "m1", "c1", "2025-01-02T03:04:05Z", 17);
    JsonObject frame = parse(EventEncoder.frame(EventName.MESSAGE_SENT, sent));

    assertEquals(Set.of("event", "data"), frame.keySet());
    assertEquals("message_sent", frame.getString("event"));
    JsonObject data = frame.getJsonObject("data");
    assertEquals("t1", data.getString("tempId"));
    assertEquals("m1", data.getString("messageId"));
    assertEquals("c1", data.getString("chatId"));
    assertEquals("2025-01-02T03:04:05Z", data.getString("createdAt"));
    assertEquals(17L, data.getJsonNumber("seq").longValueExact());
  }

  @Test
  void nullFieldsAreOmitted() {
    ServerEvent.Error error =
        ServerEvent.Error.of(ErrorCode.VALIDATION, "chatId is required", null, null);
    JsonObject data = parse(EventEncoder.frame(EventName.ERROR, error)).getJsonObject("data");
    assertEquals(Set.of("code", "message"), data.keySet());
    assertEquals("VALIDATION", data.getString("code"));
  }

  @Test
  void nestedNullsAreOmittedAndEnumsAreNames() {
    NewMessage message =
        new NewMessage(
            "m1",
            "c1",
            "u1",
            "",
            MessageType.IMAGE,
            // A link stored before uploads existed: no id, no size.
            List.of(new Attachment(null, "a.png", null, null, "https://x.io/a.png")),
            "2025-01-02T03:04:05Z",
            null,
            3);
    JsonObject data =
        parse(EventEncoder.frame(EventName.NEW_MESSAGE, message)).getJsonObject("data");
    assertFalse(data.containsKey("tempId"));
    assertEquals("IMAGE", data.getString("messageType"));
    JsonObject attachment = data.getJsonArray("attachments").getJsonObject(0);
    assertEquals(Set.of("name", "url"), attachment.keySet());
  }

  static Stream<Arguments> payloads() {
    return Stream.of(
        Arguments.of(
            EventName.MESSAGE_SENT, new MessageSent("t1", "m1", "c1", "2025-01-02T03:04:05Z", 1)),
        Arguments.of(
            EventName.MESSAGE_EDITED,
            new MessageEdited(
                "m1",
                "c1",
                "u1",
                "caf\u00e9 \"quoted\" \\ \uD83D\uDE00",
                "2025-01-02T03:04:05Z",
                Long.MAX_VALUE)),
        Arguments.of(
            EventName.NEW_MESSAGE,
            new NewMessage(
                "m1",
                "c1",
                "u1",
                "hi",
                MessageType.FILE,
                List.of(
                    new Attachment(
                        "5b0e4a40-1c1e-4d55-9f57-3f1f7d3b2a10",
                        "f.pdf",
                        1_000_000_000_000L,
                        "application/pdf",
                        Attachment.urlOf("5b0e4a40-1c1e-4d55-9f57-3f1f7d3b2a10"))),
                "2025-01-02T03:04:05Z",
                "t1",
                9)),
        Arguments.of(EventName.USER_TYPING, new UserTyping("c1", "u1", true)),
        Arguments.of(
            EventName.ERROR,
            new ServerEvent.Error("RATE_LIMITED", "slow down", "send_message", "t1", 1500L)));
  }

  @ParameterizedTest
  @MethodSource("payloads")
  void frameFromDataRoundTrips(String event, Object payload) {
    String stored = EventEncoder.data(payload);
    JsonObject replayed = parse(EventEncoder.frameFromData(event, stored));
    JsonObject live = parse(EventEncoder.frame(event, payload));

    assertEquals(live, replayed);
    assertEquals(parse(stored), replayed.getJsonObject("data"));
    // Byte for byte: a live frame and a replayed one are the same text.
    assertEquals(EventEncoder.frame(event, payload), EventEncoder.frameFromData(event, stored));
  }

  private static JsonObject parse(String json) {
    try (JsonReader reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }
}
