package dev.messenger.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.protocol.ClientEvent.AddReaction;
import dev.messenger.protocol.ClientEvent.DeleteMessage;
import dev.messenger.protocol.ClientEvent.EditMessage;
import dev.messenger.protocol.ClientEvent.JoinChat;
import dev.messenger.protocol.ClientEvent.LeaveChat;
import dev.messenger.protocol.ClientEvent.RefreshToken;
import dev.messenger.protocol.ClientEvent.RemoveReaction;
import dev.messenger.protocol.ClientEvent.SendMessage;
import dev.messenger.protocol.ClientEvent.TypingStart;
import dev.messenger.protocol.ClientEvent.TypingStop;
import dev.messenger.protocol.DecodeResult.Decoded;
import dev.messenger.protocol.DecodeResult.Rejected;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameDecoderTest {
  static final ProtocolLimits LIMITS = new ProtocolLimits(100, 3, 8, 36);
  final FrameDecoder decoder = new FrameDecoder(LIMITS);

  /** A minimal valid {@code data} per event; the rule tests break one field of it at a time. */
  static final Map<String, JsonObject> VALID =
      Map.of(
          "send_message", obj("chatId", "c1", "content", "hi", "tempId", "t1"),
          "edit_message", obj("messageId", "m1", "content", "hi"),
          "delete_message", obj("messageId", "m1"),
          "join_chat", obj("chatId", "c1"),
          "leave_chat", obj("chatId", "c1"),
          "typing_start", obj("chatId", "c1"),
          "typing_stop", obj("chatId", "c1"),
          "add_reaction", obj("messageId", "m1", "emoji", "👍"),
          "remove_reaction", obj("messageId", "m1", "emoji", "👍"),
          "refresh_token", obj("token", "header.payload.signature"));

  static final Map<String, List<String>> REQUIRED_IDS =
      Map.of(
          "send_message", List.of("chatId", "tempId"),
          "edit_message", List.of("messageId"),
          "delete_message", List.of("messageId"),
          "join_chat", List.of("chatId"),
          "leave_chat", List.of("chatId"),
          "typing_start", List.of("chatId"),
          "typing_stop", List.of("chatId"),
          "add_reaction", List.of("messageId"),
          "remove_reaction", List.of("messageId"));

  // ---- happy paths, one per event

  @Test
  void sendMessageTextDefaultsTypeAndAttachments() {
    SendMessage m = decoded(frame("send_message", VALID.get("send_message")), SendMessage.class);
    assertEquals(new SendMessage("c1", "hi", MessageType.TEXT, "t1", List.of()), m);
  }

  @Test
  void sendMessageImageWithAttachments() {
    JsonObject data =
        obj(
            "chatId", "c1",
            "content", "",
            "messageType", "image",
            "tempId", "t1",
            "attachments", Json.createArrayBuilder().add("a1").add("b2"));
    SendMessage m = decoded(frame("send_message", data), SendMessage.class);
    assertEquals("c1", m.chatId());
    assertEquals("", m.content());
    assertEquals(MessageType.IMAGE, m.messageType());
    assertEquals("t1", m.tempId());
    assertEquals(List.of("a1", "b2"), m.attachments());
  }

  @ParameterizedTest
  @ValueSource(strings = {"FILE", "file", "File", "fIlE"})
  void messageTypeIsCaseInsensitive(String type) {
    JsonObject data =
        with(
            with(VALID.get("send_message"), "messageType", str(type)),
            "attachments",
            Json.createArrayBuilder().add("f1").build());
    assertEquals(
        MessageType.FILE, decoded(frame("send_message", data), SendMessage.class).messageType());
  }

  @Test
  void editMessage() {
    assertEquals(
        new EditMessage("m1", "hi"),
        decoded(frame("edit_message", VALID.get("edit_message")), EditMessage.class));
  }

  @Test
  void deleteMessage() {
    assertEquals(
        new DeleteMessage("m1"),
        decoded(frame("delete_message", VALID.get("delete_message")), DeleteMessage.class));
  }

  @Test
  void joinChatWithoutReplay() {
    assertEquals(
        new JoinChat("c1", null, null),
        decoded(frame("join_chat", VALID.get("join_chat")), JoinChat.class));
  }

  @Test
  void joinChatWithLastSeq() {
    assertEquals(
        new JoinChat("c1", 42L, null),
        decoded(frame("join_chat", obj("chatId", "c1", "lastSeq", 42)), JoinChat.class));
  }

  @Test
  void joinChatWithLastMessageId() {
    assertEquals(
        new JoinChat("c1", null, "m9"),
        decoded(frame("join_chat", obj("chatId", "c1", "lastMessageId", "m9")), JoinChat.class));
  }

  @Test
  void leaveChat() {
    assertEquals(
        new LeaveChat("c1"),
        decoded(frame("leave_chat", VALID.get("leave_chat")), LeaveChat.class));
  }

  @Test
  void typingStartAndStop() {
    assertEquals(
        new TypingStart("c1"),
        decoded(frame("typing_start", VALID.get("typing_start")), TypingStart.class));
    assertEquals(
        new TypingStop("c1"),
        decoded(frame("typing_stop", VALID.get("typing_stop")), TypingStop.class));
  }

  @Test
  void addAndRemoveReaction() {
    assertEquals(
        new AddReaction("m1", "👍"),
        decoded(frame("add_reaction", VALID.get("add_reaction")), AddReaction.class));
    assertEquals(
        new RemoveReaction("m1", "👍"),
        decoded(frame("remove_reaction", VALID.get("remove_reaction")), RemoveReaction.class));
  }

  @Test
  void refreshToken() {
    assertEquals(
        new RefreshToken("header.payload.signature"),
        decoded(frame("refresh_token", VALID.get("refresh_token")), RefreshToken.class));
  }

  @Test
  void refreshTokenMustBeANonBlankStringOfBoundedLength() {
    assertFieldRejected("refresh_token", obj(), "token", "token is required");
    assertFieldRejected("refresh_token", obj("token", 42), "token", "token must be a string");
    assertFieldRejected("refresh_token", obj("token", " "), "token", "token must not be blank");
    String atLimit = "t".repeat(FrameDecoder.MAX_TOKEN_LENGTH);
    assertInstanceOf(Decoded.class, decoder.decode(frame("refresh_token", obj("token", atLimit))));
    assertFieldRejected(
        "refresh_token",
        obj("token", atLimit + "t"),
        "token",
        "token must be at most " + FrameDecoder.MAX_TOKEN_LENGTH + " characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"👍🏽", "👨‍👩‍👧", "❤️", "🇺🇦", "+1", ":)"})
  void emojiSequencesAreAccepted(String emoji) {
    assertEquals(
        emoji,
        decoded(frame("add_reaction", obj("messageId", "m1", "emoji", emoji)), AddReaction.class)
            .emoji());
  }

  @Test
  void rawFrameWithWhitespaceAndEscapesDecodes() {
    String raw =
        " \n{ \"event\" : \"edit_message\", \"data\" : { \"messageId\": \"m1\","
            + " \"content\": \"caf\\u00e9 \\ud83d\\ude00\" } } \n";
    assertEquals(new EditMessage("m1", "café 😀"), decoded(raw, EditMessage.class));
  }

  // ---- forward compatibility and nulls

  @Test
  void unknownFieldsAreIgnoredEverywhere() {
    JsonObject data =
        with(
            with(VALID.get("send_message"), "future", obj("x", Json.createArrayBuilder().add(1))),
            "attachments",
            Json.createArrayBuilder().add("a1").build());
    String raw =
        Json.createObjectBuilder()
            .add("event", "send_message")
            .add("data", data)
            .add("v", 2)
            .add("id", "abc")
            .build()
            .toString();
    SendMessage m = decoded(raw, SendMessage.class);
    assertEquals(List.of("a1"), m.attachments());
  }

  @Test
  void nullOptionalFieldsMeanAbsent() {
    JsonObject send =
        with(
            with(VALID.get("send_message"), "messageType", JsonValue.NULL),
            "attachments",
            JsonValue.NULL);
    assertEquals(
        new SendMessage("c1", "hi", MessageType.TEXT, "t1", List.of()),
        decoded(frame("send_message", send), SendMessage.class));

    JsonObject join =
        with(
            with(VALID.get("join_chat"), "lastSeq", JsonValue.NULL),
            "lastMessageId",
            JsonValue.NULL);
    assertEquals(new JoinChat("c1", null, null), decoded(frame("join_chat", join), JoinChat.class));
  }

  // ---- malformed envelopes

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "not json",
        "{",
        "{\"event\":",
        "{\"event\":\"typing_start\",\"data\":{\"chatId\":\"c1\"}",
        "[]",
        "[{\"event\":\"typing_start\"}]",
        "42",
        "\"typing_start\"",
        "null",
        "true",
        "{'event':'typing_start'}",
        "{\"event\":\"typing_start\",\"data\":{\"chatId\":\"c1\"}} trailing",
        "{\"event\":\"typing_start\",\"data\":{\"chatId\":\"c1\"}}{}",
        "{\"event\":\"typing_start\",\"data\":{\"chatId\":\"c1\"},}",
        "{\"event\":\"typing_start\" \"data\":{}}",
        "{\"event\":\"typing_\u0001start\"}",
        "{\"event\":\"typing_start\",\"data\":{\"chatId\":\"\\x41\"}}"
      })
  void malformedJsonIsBadRequest(String frame) {
    Rejected r = rejected(frame);
    assertRejection(r, ErrorCode.BAD_REQUEST, null, null);
    assertTrue(r.message().length() <= 80, r.message());
  }

  @Test
  void nullFrameIsBadRequest() {
    assertRejection(rejected(null), ErrorCode.BAD_REQUEST, null, null);
  }

  @Test
  void malformedMessageDoesNotEchoHugeInput() {
    String frame = "{\"event\":\"" + "x".repeat(100_000) + "\" oops";
    Rejected r = rejected(frame);
    assertRejection(r, ErrorCode.BAD_REQUEST, null, null);
    assertTrue(r.message().length() <= 80, r.message());
    assertFalse(r.message().contains("xxxx"), r.message());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"data\":{\"chatId\":\"c1\"}}",
        "{\"event\":null,\"data\":{}}",
        "{\"event\":5,\"data\":{}}",
        "{\"event\":true,\"data\":{}}",
        "{\"event\":{\"name\":\"typing_start\"},\"data\":{}}",
        "{\"event\":[\"typing_start\"],\"data\":{}}",
        "{}"
      })
  void eventMissingOrNotAStringIsBadRequest(String frame) {
    Rejected r = rejected(frame);
    assertRejection(r, ErrorCode.BAD_REQUEST, null, null);
    assertTrue(r.message().contains("event"), r.message());
  }

  @ParameterizedTest
  @ValueSource(strings = {"send", "SEND_MESSAGE", "typing_start ", "", "ping"})
  void unknownEventIsNamed(String event) {
    Rejected r = rejected(frame(event, obj("chatId", "c1")));
    assertRejection(r, ErrorCode.UNKNOWN_EVENT, null, null);
    assertTrue(r.message().contains(event), r.message());
  }

  @Test
  void unknownEventNameIsTruncatedTo64Chars() {
    String name = "a".repeat(64) + "b".repeat(1000);
    Rejected r = rejected(frame(name, obj()));
    assertRejection(r, ErrorCode.UNKNOWN_EVENT, null, null);
    assertTrue(r.message().contains("a".repeat(64)), r.message());
    assertFalse(r.message().contains("b"), r.message());
    assertTrue(r.message().length() < 100, r.message());
  }

  @Test
  void unknownEventEchoNeutralisesControlsAndBrokenSurrogates() {
    Rejected r = rejected(frame("bad\u0000\uD800\nname", obj()));
    assertRejection(r, ErrorCode.UNKNOWN_EVENT, null, null);
    assertTrue(r.message().contains("bad\uFFFD\uFFFD\uFFFDname"), r.message());
  }

  static Stream<String> events() {
    return VALID.keySet().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("events")
  void dataMissingOrNotAnObjectIsValidation(String event) {
    List<String> frames =
        List.of(
            Json.createObjectBuilder().add("event", event).build().toString(),
            envelope(event, JsonValue.NULL),
            envelope(event, str("x")),
            envelope(event, Json.createValue(1)),
            envelope(event, Json.createArrayBuilder().add(VALID.get(event)).build()));
    for (String frame : frames) {
      Rejected r = rejected(frame);
      assertRejection(r, ErrorCode.VALIDATION, event, null);
      assertTrue(r.message().contains("data"), r.message());
    }
  }

  // ---- IDs

  static Stream<Arguments> requiredIds() {
    return REQUIRED_IDS.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .flatMap(e -> e.getValue().stream().map(field -> Arguments.of(e.getKey(), field)));
  }

  @ParameterizedTest
  @MethodSource("requiredIds")
  void idMissingOrNullIsRequired(String event, String field) {
    assertFieldRejected(event, without(VALID.get(event), field), field, field + " is required");
    assertFieldRejected(
        event, with(VALID.get(event), field, JsonValue.NULL), field, field + " is required");
  }

  @ParameterizedTest
  @MethodSource("requiredIds")
  void idOfWrongTypeIsNotCoerced(String event, String field) {
    for (JsonValue value :
        List.of(
            Json.createValue(12345),
            Json.createValue(1.5),
            JsonValue.TRUE,
            JsonValue.EMPTY_JSON_OBJECT,
            JsonValue.EMPTY_JSON_ARRAY)) {
      assertFieldRejected(
          event, with(VALID.get(event), field, value), field, field + " must be a string");
    }
  }

  @ParameterizedTest
  @MethodSource("requiredIds")
  void idMustNotBeBlank(String event, String field) {
    for (String blank : List.of("", " ", "\t\n")) {
      assertFieldRejected(
          event, with(VALID.get(event), field, str(blank)), field, field + " must not be blank");
    }
  }

  @ParameterizedTest
  @MethodSource("requiredIds")
  void idLengthIsLimited(String event, String field) {
    String atLimit = "i".repeat(LIMITS.maxIdLength());
    assertInstanceOf(
        Decoded.class, decoder.decode(frame(event, with(VALID.get(event), field, str(atLimit)))));
    assertFieldRejected(
        event,
        with(VALID.get(event), field, str(atLimit + "i")),
        field,
        field + " must be at most 36 characters");
  }

  @Test
  void idLengthCountsCodePoints() {
    String emojiId = "😀".repeat(LIMITS.maxIdLength());
    assertEquals(
        new LeaveChat(emojiId),
        decoded(frame("leave_chat", obj("chatId", emojiId)), LeaveChat.class));
  }

  // ---- tempId is carried by every send_message rejection that can carry it

  @Test
  void sendMessageRejectionCarriesTempIdWhateverFailed() {
    JsonObject valid = VALID.get("send_message");
    List<JsonObject> broken =
        List.of(
            without(valid, "chatId"),
            with(valid, "chatId", Json.createValue(7)),
            without(valid, "content"),
            with(valid, "content", str(" ")),
            with(valid, "messageType", str("VIDEO")),
            with(valid, "attachments", str("none")),
            with(valid, "chatId", str("c\u0000")));
    for (JsonObject data : broken) {
      assertRejection(
          rejected(frame("send_message", data)), ErrorCode.VALIDATION, "send_message", "t1");
    }
  }

  @Test
  void tempIdThatIsItselfUnfitIsNotEchoed() {
    JsonObject valid = VALID.get("send_message");
    for (JsonValue tempId :
        List.of(
            Json.createValue(99),
            str("t".repeat(LIMITS.maxIdLength() + 1)),
            str("t\u0000"),
            str("t\uD800"))) {
      Rejected r = rejected(frame("send_message", with(valid, "tempId", tempId)));
      assertRejection(r, ErrorCode.VALIDATION, "send_message", null);
      assertTrue(r.message().contains("tempId"), r.message());
    }
  }

  @Test
  void otherEventsNeverCarryTempId() {
    JsonObject data = obj("chatId", 5, "tempId", "t1");
    assertRejection(
        rejected(frame("typing_start", data)), ErrorCode.VALIDATION, "typing_start", null);
  }

  // ---- content

  @ParameterizedTest
  @ValueSource(strings = {"send_message", "edit_message"})
  void contentIsRequiredString(String event) {
    JsonObject valid = VALID.get(event);
    String tempId = tempIdOf(event);
    assertRejection(
        rejected(frame(event, without(valid, "content"))), ErrorCode.VALIDATION, event, tempId);
    assertRejection(
        rejected(frame(event, with(valid, "content", JsonValue.NULL))),
        ErrorCode.VALIDATION,
        event,
        tempId);
    Rejected wrongType = rejected(frame(event, with(valid, "content", Json.createValue(3))));
    assertRejection(wrongType, ErrorCode.VALIDATION, event, tempId);
    assertEquals("content must be a string", wrongType.message());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\n\t ", "\u3000"})
  void textContentMustNotBeBlank(String blank) {
    for (String event : List.of("send_message", "edit_message")) {
      Rejected r = rejected(frame(event, with(VALID.get(event), "content", str(blank))));
      assertRejection(r, ErrorCode.VALIDATION, event, tempIdOf(event));
      assertEquals("content must not be blank", r.message());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"IMAGE", "FILE"})
  void attachmentMessagesMayHaveEmptyButNotNullContent(String type) {
    JsonObject data =
        with(
            with(VALID.get("send_message"), "messageType", str(type)),
            "attachments",
            Json.createArrayBuilder().add("a1").build());
    assertEquals(
        "",
        decoded(frame("send_message", with(data, "content", str(""))), SendMessage.class)
            .content());
    assertEquals(
        " ",
        decoded(frame("send_message", with(data, "content", str(" "))), SendMessage.class)
            .content());
    assertFieldRejected(
        "send_message", with(data, "content", JsonValue.NULL), "content", "content is required");
  }

  @Test
  void contentLengthCountsCodePoints() {
    // 100 astral code points are 200 UTF-16 chars: within a 100 limit.
    String atLimit = "😀".repeat(LIMITS.maxContentLength());
    assertEquals(
        atLimit,
        decoded(
                frame("send_message", with(VALID.get("send_message"), "content", str(atLimit))),
                SendMessage.class)
            .content());
    for (String event : List.of("send_message", "edit_message")) {
      assertFieldRejected(
          event,
          with(VALID.get(event), "content", str(atLimit + "x")),
          "content",
          "content must be at most 100 characters");
    }
  }

  // ---- messageType

  @ParameterizedTest
  @ValueSource(strings = {"VIDEO", "text ", "", "TEXTS", "ımage", "fıle"})
  void unknownMessageTypeListsAllowedValues(String type) {
    Rejected r =
        rejected(frame("send_message", with(VALID.get("send_message"), "messageType", str(type))));
    assertRejection(r, ErrorCode.VALIDATION, "send_message", "t1");
    assertEquals("messageType must be one of TEXT, IMAGE, FILE", r.message());
  }

  @Test
  void messageTypeOfWrongTypeIsValidation() {
    assertFieldRejected(
        "send_message",
        with(VALID.get("send_message"), "messageType", Json.createValue(0)),
        "messageType",
        "messageType must be a string");
  }

  // ---- attachments: ids of uploads

  @Test
  void attachmentsMustBeAnArrayOfIds() {
    JsonObject valid = VALID.get("send_message");
    assertFieldRejected(
        "send_message",
        with(valid, "attachments", str("a1")),
        "attachments",
        "attachments must be an array");
    // The shape before uploads existed: objects with a URL are refused, not half-understood.
    assertFieldRejected(
        "send_message",
        with(
            valid,
            "attachments",
            Json.createArrayBuilder().add(obj("url", "https://x.io/a", "name", "a")).build()),
        "attachments[0]",
        "attachments[0] must be a string (an attachment id)");
  }

  @Test
  void tooManyAttachmentsIsValidation() {
    JsonArrayBuilder atLimit = Json.createArrayBuilder();
    IntStream.range(0, LIMITS.maxAttachments()).forEach(i -> atLimit.add("a" + i));
    JsonObject ok = with(VALID.get("send_message"), "attachments", atLimit.build());
    assertEquals(
        List.of("a0", "a1", "a2"),
        decoded(frame("send_message", ok), SendMessage.class).attachments());

    JsonArrayBuilder over = Json.createArrayBuilder();
    IntStream.rangeClosed(0, LIMITS.maxAttachments()).forEach(i -> over.add("a" + i));
    assertFieldRejected(
        "send_message",
        with(VALID.get("send_message"), "attachments", over.build()),
        "attachments",
        "attachments must have at most 3 items");
  }

  @ParameterizedTest
  @ValueSource(strings = {"IMAGE", "FILE"})
  void attachmentMessagesNeedAnAttachment(String type) {
    JsonObject data = with(VALID.get("send_message"), "messageType", str(type));
    assertFieldRejected(
        "send_message",
        data,
        "attachments",
        "attachments must not be empty for messageType " + type);
    assertFieldRejected(
        "send_message",
        with(data, "attachments", JsonValue.EMPTY_JSON_ARRAY),
        "attachments",
        "attachments");
    assertFieldRejected(
        "send_message", with(data, "attachments", JsonValue.NULL), "attachments", "attachments");
  }

  static Stream<Arguments> badAttachmentIds() {
    return Stream.of(
        Arguments.of(Json.createValue(5), "attachments[0] must be a string"),
        Arguments.of(JsonValue.NULL, "attachments[0] must be a string"),
        Arguments.of(JsonValue.EMPTY_JSON_ARRAY, "attachments[0] must be a string"),
        Arguments.of(str(""), "attachments[0] must not be blank"),
        Arguments.of(str("  "), "attachments[0] must not be blank"),
        Arguments.of(str("a".repeat(37)), "attachments[0] must be at most 36 characters"),
        Arguments.of(str("a\u0000"), "attachments[0] must not contain U+0000"),
        Arguments.of(str("a\ud800"), "attachments[0] must not contain unpaired surrogates"));
  }

  @ParameterizedTest
  @MethodSource("badAttachmentIds")
  void badAttachmentIdIsValidationNamingTheIndex(JsonValue id, String message) {
    JsonObject data =
        with(VALID.get("send_message"), "attachments", Json.createArrayBuilder().add(id).build());
    Rejected r = rejected(frame("send_message", data));
    assertRejection(r, ErrorCode.VALIDATION, "send_message", "t1");
    assertTrue(r.message().startsWith(message), r.message());
  }

  @Test
  void laterAttachmentIsNamedByIndex() {
    JsonObject data =
        with(
            VALID.get("send_message"),
            "attachments",
            Json.createArrayBuilder().add("a1").add(Json.createValue(2)).build());
    assertFieldRejected("send_message", data, "attachments[1]", "attachments[1] must be a string");
  }

  @Test
  void repeatedAttachmentIdIsValidation() {
    JsonObject data =
        with(
            VALID.get("send_message"),
            "attachments",
            Json.createArrayBuilder().add("a1").add("b2").add("a1").build());
    assertFieldRejected(
        "send_message", data, "attachments[2]", "attachments[2] repeats an earlier attachment");
  }

  @Test
  void attachmentIdsKeepTheirOrderAndLongestIdIsAccepted() {
    String longest = "i".repeat(LIMITS.maxIdLength());
    JsonObject data =
        with(
            VALID.get("send_message"),
            "attachments",
            Json.createArrayBuilder().add("z").add(longest).add("a").build());
    assertEquals(
        List.of("z", longest, "a"),
        decoded(frame("send_message", data), SendMessage.class).attachments());
  }

  // ---- join_chat

  static Stream<Arguments> badLastSeq() {
    return Stream.of(
        Arguments.of(Json.createValue(-1), "lastSeq must be between 0 and 9223372036854775807"),
        Arguments.of(Json.createValue(1.5), "lastSeq must be a whole number"),
        Arguments.of(
            Json.createValue(new BigInteger("9223372036854775808")), "lastSeq must be between"),
        Arguments.of(Json.createValue(new BigDecimal("1e400")), "lastSeq must be between"),
        Arguments.of(Json.createValue(new BigDecimal("-1e400")), "lastSeq must be between"),
        Arguments.of(str("5"), "lastSeq must be a number"),
        Arguments.of(JsonValue.FALSE, "lastSeq must be a number"),
        Arguments.of(JsonValue.EMPTY_JSON_ARRAY, "lastSeq must be a number"));
  }

  @ParameterizedTest
  @MethodSource("badLastSeq")
  void badLastSeqIsValidation(JsonValue lastSeq, String message) {
    Rejected r = rejected(frame("join_chat", with(VALID.get("join_chat"), "lastSeq", lastSeq)));
    assertRejection(r, ErrorCode.VALIDATION, "join_chat", null);
    assertTrue(r.message().startsWith(message), r.message());
  }

  @Test
  void lastSeqEdgeValuesAreAccepted() {
    assertEquals(0L, joinWithRawLastSeq("0").lastSeq());
    assertEquals(Long.MAX_VALUE, joinWithRawLastSeq("9223372036854775807").lastSeq());
    assertEquals(1000L, joinWithRawLastSeq("1e3").lastSeq());
    assertEquals(7L, joinWithRawLastSeq("7.000").lastSeq());
    assertEquals(0L, joinWithRawLastSeq("-0").lastSeq());
  }

  @Test
  void lastMessageIdIsAnOptionalId() {
    JsonObject valid = VALID.get("join_chat");
    assertFieldRejected(
        "join_chat",
        with(valid, "lastMessageId", Json.createValue(5)),
        "lastMessageId",
        "lastMessageId must be a string");
    assertFieldRejected(
        "join_chat",
        with(valid, "lastMessageId", str(" ")),
        "lastMessageId",
        "lastMessageId must not be blank");
    assertFieldRejected(
        "join_chat",
        with(valid, "lastMessageId", str("m".repeat(37))),
        "lastMessageId",
        "lastMessageId must be at most 36 characters");
  }

  @Test
  void lastSeqAndLastMessageIdTogetherIsValidation() {
    JsonObject data = obj("chatId", "c1", "lastSeq", 3, "lastMessageId", "m1");
    Rejected r = rejected(frame("join_chat", data));
    assertRejection(r, ErrorCode.VALIDATION, "join_chat", null);
    assertTrue(
        r.message().contains("lastSeq") && r.message().contains("lastMessageId"), r.message());
  }

  // ---- emoji

  static Stream<Arguments> badEmoji() {
    return Stream.of(
        Arguments.of(JsonValue.NULL, "emoji is required"),
        Arguments.of(Json.createValue(1), "emoji must be a string"),
        Arguments.of(str(""), "emoji must not be blank"),
        Arguments.of(str(" "), "emoji must not be blank"),
        Arguments.of(str("😀".repeat(9)), "emoji must be at most 8 characters"),
        Arguments.of(str("👍 "), "emoji must not contain whitespace or control characters"),
        Arguments.of(str("a\u00a0b"), "emoji must not contain whitespace or control characters"),
        Arguments.of(str("👍\n"), "emoji must not contain whitespace or control characters"),
        Arguments.of(str("\u0007"), "emoji must not contain whitespace or control characters"),
        Arguments.of(str("\u2028x"), "emoji must not contain whitespace or control characters"),
        Arguments.of(str("x\u0085"), "emoji must not contain whitespace or control characters"));
  }

  @ParameterizedTest
  @MethodSource("badEmoji")
  void badEmojiIsValidation(JsonValue emoji, String message) {
    for (String event : List.of("add_reaction", "remove_reaction")) {
      assertFieldRejected(event, with(VALID.get(event), "emoji", emoji), "emoji", message);
    }
  }

  @Test
  void missingEmojiIsValidation() {
    assertFieldRejected(
        "add_reaction", without(VALID.get("add_reaction"), "emoji"), "emoji", "emoji is required");
  }

  @Test
  void emojiLengthCountsCodePoints() {
    String eight = "😀".repeat(LIMITS.maxEmojiLength());
    assertEquals(
        eight,
        decoded(frame("add_reaction", obj("messageId", "m1", "emoji", eight)), AddReaction.class)
            .emoji());
  }

  // ---- unicode that PostgreSQL cannot store

  static Stream<Arguments> unstorableStrings() {
    List<String> bad =
        List.of("a\u0000b", "\u0000", "a\uD800", "\uD83Db", "\uDE00a", "x\uDE00\uD83D");
    List<Arguments> cases = new ArrayList<>();
    for (String value : bad) {
      cases.add(Arguments.of("send_message", "chatId", value));
      cases.add(Arguments.of("send_message", "content", value));
      cases.add(Arguments.of("send_message", "messageType", value));
      cases.add(Arguments.of("edit_message", "content", value));
      cases.add(Arguments.of("edit_message", "messageId", value));
      cases.add(Arguments.of("join_chat", "chatId", value));
      cases.add(Arguments.of("join_chat", "lastMessageId", value));
      cases.add(Arguments.of("add_reaction", "emoji", value));
      cases.add(Arguments.of("remove_reaction", "messageId", value));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("unstorableStrings")
  void nulAndUnpairedSurrogatesAreValidationNamingTheField(
      String event, String field, String value) {
    assertFieldRejected(
        event, with(VALID.get(event), field, str(value)), field, field + " must not contain");
  }

  @Test
  void escapedNulAndLoneSurrogateInRawJsonAreCaught() {
    String nul =
        "{\"event\":\"edit_message\",\"data\":{\"messageId\":\"m1\",\"content\":\"a\\u0000b\"}}";
    String lone =
        "{\"event\":\"edit_message\",\"data\":{\"messageId\":\"m1\",\"content\":\"a\\ud800b\"}}";
    assertEquals("content must not contain U+0000", rejected(nul).message());
    assertEquals("content must not contain unpaired surrogates", rejected(lone).message());
    assertRejection(rejected(lone), ErrorCode.VALIDATION, "edit_message", null);
  }

  @Test
  void unstorableStringsInUnknownFieldsAreIgnored() {
    JsonObject data = with(VALID.get("typing_start"), "note", str("\u0000\uD800"));
    assertEquals(new TypingStart("c1"), decoded(frame("typing_start", data), TypingStart.class));
  }

  // ---- hostile input never throws

  @Test
  void deepArrayNestingIsBadRequestWithoutRecursion() {
    String frame = "[".repeat(64 * 1024);
    Rejected r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> rejected(frame));
    assertRejection(r, ErrorCode.BAD_REQUEST, null, null);
  }

  @Test
  void deepNestingInsideDataIsBadRequest() {
    String deep = "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000);
    String frame = "{\"event\":\"typing_start\",\"data\":{\"chatId\":\"c1\",\"x\":" + deep + "}}";
    Rejected r = rejected(frame);
    assertRejection(r, ErrorCode.BAD_REQUEST, null, null);
    assertTrue(r.message().contains("deep"), r.message());
  }

  @Test
  void moderateNestingInUnknownFieldsIsAccepted() {
    String nested = "[".repeat(20) + "]".repeat(20);
    String frame = "{\"event\":\"typing_start\",\"data\":{\"chatId\":\"c1\",\"x\":" + nested + "}}";
    assertEquals(new TypingStart("c1"), decoded(frame, TypingStart.class));
  }

  @Test
  void hugeNumbersNeverThrow() {
    String longDigits =
        "{\"event\":\"join_chat\",\"data\":{\"chatId\":\"c1\",\"lastSeq\":"
            + "9".repeat(5000)
            + "}}";
    assertRejection(rejected(longDigits), ErrorCode.BAD_REQUEST, null, null);

    String hugeExponent =
        "{\"event\":\"join_chat\",\"data\":{\"chatId\":\"c1\",\"lastSeq\":1e999999999}}";
    Rejected r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> rejected(hugeExponent));
    assertRejection(r, ErrorCode.VALIDATION, "join_chat", null);

    String tinyExponent =
        "{\"event\":\"join_chat\",\"data\":{\"chatId\":\"c1\",\"lastSeq\":1e-999999999}}";
    assertRejection(rejected(tinyExponent), ErrorCode.VALIDATION, "join_chat", null);

    String overflowExponent =
        "{\"event\":\"join_chat\",\"data\":{\"chatId\":\"c1\",\"lastSeq\":1e99999999999}}";
    assertRejection(rejected(overflowExponent), ErrorCode.BAD_REQUEST, null, null);

    String ignored =
        "{\"event\":\"join_chat\",\"data\":{\"chatId\":\"c1\",\"future\":1e999999999}}";
    assertEquals(new JoinChat("c1", null, null), decoded(ignored, JoinChat.class));
  }

  @Test
  void oneDecoderServesManyThreads() {
    List<String> frames =
        VALID.entrySet().stream().map(e -> frame(e.getKey(), e.getValue())).toList();
    boolean allDecoded =
        IntStream.range(0, 20_000)
            .parallel()
            .mapToObj(i -> decoder.decode(frames.get(i % frames.size())))
            .allMatch(Decoded.class::isInstance);
    assertTrue(allDecoded);
  }

  @Test
  void limitsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new ProtocolLimits(0, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new ProtocolLimits(1, -1, 1, 1));
  }

  // ---- helpers

  private JoinChat joinWithRawLastSeq(String number) {
    return decoded(
        "{\"event\":\"join_chat\",\"data\":{\"chatId\":\"c1\",\"lastSeq\":" + number + "}}",
        JoinChat.class);
  }

  private <T extends ClientEvent> T decoded(String frame, Class<T> type) {
    DecodeResult result = decoder.decode(frame);
    Decoded decoded =
        assertInstanceOf(Decoded.class, result, () -> "expected a decoded event, got " + result);
    return assertInstanceOf(type, decoded.event());
  }

  private Rejected rejected(String frame) {
    DecodeResult result = decoder.decode(frame);
    return assertInstanceOf(Rejected.class, result, () -> "expected a rejection, got " + result);
  }

  private void assertFieldRejected(
      String event, JsonObject data, String field, String messageStart) {
    Rejected r = rejected(frame(event, data));
    assertRejection(r, ErrorCode.VALIDATION, event, expectedTempId(event, data));
    assertTrue(r.message().startsWith(messageStart), () -> "message was: " + r.message());
    assertTrue(r.message().contains(field), () -> "message was: " + r.message());
  }

  private static void assertRejection(Rejected r, ErrorCode code, String event, String tempId) {
    assertEquals(code, r.code(), () -> "rejection was " + r);
    assertEquals(event, r.event(), () -> "rejection was " + r);
    assertEquals(tempId, r.tempId(), () -> "rejection was " + r);
    assertTrue(r.message() != null && !r.message().isBlank(), () -> "rejection was " + r);
  }

  /**
   * What a send_message rejection should echo: the frame's tempId when it is a string that can be
   * sent back intact (storable, within the ID length), whatever else failed.
   */
  private static String expectedTempId(String event, JsonObject data) {
    if (!event.equals("send_message") || !(data.get("tempId") instanceof JsonString s)) {
      return null;
    }
    String t = s.getString();
    boolean intact = t.chars().noneMatch(c -> c == 0 || Character.isSurrogate((char) c));
    return intact && t.length() <= LIMITS.maxIdLength() ? t : null;
  }

  private static String tempIdOf(String event) {
    return event.equals("send_message") ? "t1" : null;
  }

  static String frame(String event, JsonObject data) {
    return envelope(event, data);
  }

  static String envelope(String event, JsonValue data) {
    return Json.createObjectBuilder().add("event", event).add("data", data).build().toString();
  }

  static JsonValue str(String s) {
    return Json.createValue(s);
  }

  /** An object from key/value pairs; values may be strings, numbers, JSON values or builders. */
  static JsonObject obj(Object... pairs) {
    JsonObjectBuilder b = Json.createObjectBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      String key = (String) pairs[i];
      Object v = pairs[i + 1];
      if (v instanceof String s) {
        b.add(key, s);
      } else if (v instanceof Integer n) {
        b.add(key, n);
      } else if (v instanceof Long n) {
        b.add(key, n);
      } else if (v instanceof Double n) {
        b.add(key, n);
      } else if (v instanceof BigDecimal n) {
        b.add(key, n);
      } else if (v instanceof JsonValue j) {
        b.add(key, j);
      } else if (v instanceof JsonObjectBuilder j) {
        b.add(key, j);
      } else if (v instanceof JsonArrayBuilder j) {
        b.add(key, j);
      } else {
        throw new IllegalArgumentException("unsupported value " + v);
      }
    }
    return b.build();
  }

  static JsonObject with(JsonObject base, String key, JsonValue value) {
    return Json.createObjectBuilder(base).add(key, value).build();
  }

  static JsonObject without(JsonObject base, String key) {
    return Json.createObjectBuilder(base).remove(key).build();
  }
}
