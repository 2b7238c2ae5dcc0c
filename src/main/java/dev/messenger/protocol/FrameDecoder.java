package dev.messenger.protocol;

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
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonValue.ValueType;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns an inbound text frame into a validated {@link ClientEvent} or a {@link Rejected} that says
 * why not. Stateless and thread-safe: one instance serves every connection.
 */
public final class FrameDecoder {
  private static final Logger LOG = Logger.getLogger(FrameDecoder.class.getName());

  /**
   * A valid frame nests 3 deep (envelope, data, attachments); the slack leaves room for unknown
   * fields of newer clients. Checked while parsing, so a frame of 64 KB of {@code [} costs 32
   * tokens, whatever the JSON-P implementation's own limit is.
   */
  static final int MAX_DEPTH = 32;

  static final int MAX_ECHO_LENGTH = 64;

  /** Far above any real JWT (a few hundred bytes to a few KB), far below the frame limit. */
  static final int MAX_TOKEN_LENGTH = 16_384;

  private static final String SEND_MESSAGE = "send_message";

  private final ProtocolLimits limits;
  private final JsonParserFactory parserFactory;
  private final JsonBuilderFactory builderFactory;
  private final Map<String, Function<Fields, ClientEvent>> readers;

  public FrameDecoder(ProtocolLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    // Looking the provider up is a service-loader scan: do it once, not per frame.
    JsonProvider provider = JsonProvider.provider();
    this.parserFactory = provider.createParserFactory(Map.of());
    this.builderFactory = provider.createBuilderFactory(Map.of());
    this.readers =
        Map.ofEntries(
            Map.entry(SEND_MESSAGE, this::sendMessage),
            Map.entry("edit_message", this::editMessage),
            Map.entry("delete_message", d -> new DeleteMessage(id(d, "messageId"))),
            Map.entry("join_chat", this::joinChat),
            Map.entry("leave_chat", d -> new LeaveChat(id(d, "chatId"))),
            Map.entry("typing_start", d -> new TypingStart(id(d, "chatId"))),
            Map.entry("typing_stop", d -> new TypingStop(id(d, "chatId"))),
            Map.entry("add_reaction", d -> new AddReaction(id(d, "messageId"), emoji(d))),
            Map.entry("remove_reaction", d -> new RemoveReaction(id(d, "messageId"), emoji(d))),
            Map.entry(
                "refresh_token",
                d -> new RefreshToken(requiredText(d, "token", MAX_TOKEN_LENGTH))));
  }

  /** Never throws: whatever the frame holds, the answer is {@link Decoded} or {@link Rejected}. */
  public DecodeResult decode(String frame) {
    JsonObject envelope;
    try {
      envelope = parse(frame);
    } catch (Invalid e) {
      return new Rejected(ErrorCode.BAD_REQUEST, e.getMessage(), null, null);
    } catch (RuntimeException | StackOverflowError e) {
      // The parser's message quotes the input back; "malformed" is all a client needs.
      return new Rejected(ErrorCode.BAD_REQUEST, "malformed JSON", null, null);
    }

    JsonValue eventValue = envelope.get("event");
    if (eventValue == null || eventValue.getValueType() == ValueType.NULL) {
      return new Rejected(ErrorCode.BAD_REQUEST, "event is required", null, null);
    }
    if (eventValue.getValueType() != ValueType.STRING) {
      return new Rejected(ErrorCode.BAD_REQUEST, "event must be a string", null, null);
    }
    String event = ((JsonString) eventValue).getString();
    Function<Fields, ClientEvent> reader = readers.get(event);
    if (reader == null) {
      return new Rejected(ErrorCode.UNKNOWN_EVENT, "unknown event: " + echo(event), null, null);
    }

    String tempId = null;
    try {
      JsonValue dataValue = envelope.get("data");
      if (dataValue == null || dataValue.getValueType() != ValueType.OBJECT) {
        throw new Invalid("data must be an object");
      }
      JsonObject data = dataValue.asJsonObject();
      if (event.equals(SEND_MESSAGE)) {
        tempId = echoableTempId(data);
      }
      return new Decoded(reader.apply(new Fields(data, "")));
    } catch (Invalid e) {
      return new Rejected(ErrorCode.VALIDATION, e.getMessage(), event, tempId);
    } catch (RuntimeException | StackOverflowError e) {
      // Validation throws nothing else on any input, so this is a bug here: log it for us, and
      // keep the connection's read loop alive with a plain refusal for the client.
      LOG.log(Level.WARNING, "decoding a " + event + " frame failed", e);
      return new Rejected(ErrorCode.BAD_REQUEST, "invalid " + event + " frame", event, tempId);
    }
  }

  // ---- events

  private ClientEvent sendMessage(Fields data) {
    String chatId = id(data, "chatId");
    String tempId = id(data, "tempId");
    MessageType type = messageType(data);
    String content = data.string("content");
    if (content == null) {
      throw new Invalid("content is required");
    }
    if (type == MessageType.TEXT && content.isBlank()) {
      throw new Invalid("content must not be blank");
    }
    checkLength(data.name("content"), content, limits.maxContentLength());
    List<String> attachments = attachments(data);
    if (type.needsAttachment() && attachments.isEmpty()) {
      throw new Invalid("attachments must not be empty for messageType " + type);
    }
    return new SendMessage(chatId, content, type, tempId, attachments);
  }

  private ClientEvent editMessage(Fields data) {
    String messageId = id(data, "messageId");
    // Edits carry no messageType, so they follow the TEXT rule: an attachment message's caption can
    // be changed but not cleared, which is the safe side of not knowing the stored type here.
    String content = requiredText(data, "content", limits.maxContentLength());
    return new EditMessage(messageId, content);
  }

  private ClientEvent joinChat(Fields data) {
    String chatId = id(data, "chatId");
    Long lastSeq = nonNegativeInteger(data, "lastSeq", Long.MAX_VALUE);
    String lastMessageId = optionalId(data, "lastMessageId");
    if (lastSeq != null && lastMessageId != null) {
      throw new Invalid("lastSeq and lastMessageId must not both be set");
    }
    return new JoinChat(chatId, lastSeq, lastMessageId);
  }

  // ---- fields

  private MessageType messageType(Fields data) {
    String value = data.string("messageType");
    if (value == null) {
      return MessageType.TEXT;
    }
    for (MessageType type : MessageType.values()) {
      // ASCII only: equalsIgnoreCase alone would take "ımage" (dotless i) for IMAGE.
      if (type.name().equalsIgnoreCase(value) && isAscii(value)) {
        return type;
      }
    }
    throw new Invalid("messageType must be one of TEXT, IMAGE, FILE");
  }

  /** Attachment ids: strings like every other id, each at most once. */
  private List<String> attachments(Fields data) {
    JsonValue value = data.get("attachments");
    if (value == null) {
      return List.of();
    }
    if (value.getValueType() != ValueType.ARRAY) {
      throw new Invalid("attachments must be an array");
    }
    JsonArray array = value.asJsonArray();
    if (array.size() > limits.maxAttachments()) {
      throw new Invalid("attachments must have at most " + limits.maxAttachments() + " items");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      JsonValue item = array.get(i);
      String field = "attachments[" + i + "]";
      if (item.getValueType() != ValueType.STRING) {
        throw new Invalid(field + " must be a string (an attachment id)");
      }
      String id = ((JsonString) item).getString();
      checkStorable(field, id);
      checkText(field, id, limits.maxIdLength());
      if (!ids.add(id)) {
        throw new Invalid(field + " repeats an earlier attachment");
      }
    }
    return List.copyOf(ids);
  }

  private String emoji(Fields data) {
    String emoji = requiredText(data, "emoji", limits.maxEmojiLength());
    for (int i = 0; i < emoji.length(); ) {
      int cp = emoji.codePointAt(i);
      // Format characters such as ZWJ stay allowed: emoji sequences are built with them.
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)) {
        throw new Invalid("emoji must not contain whitespace or control characters");
      }
      i += Character.charCount(cp);
    }
    return emoji;
  }

  /** A required ID: a non-blank string of at most {@code maxIdLength} code points. */
  private String id(Fields fields, String key) {
    return requiredText(fields, key, limits.maxIdLength());
  }

  private String optionalId(Fields fields, String key) {
    String value = fields.string(key);
    if (value != null) {
      checkText(fields.name(key), value, limits.maxIdLength());
    }
    return value;
  }

  private static String requiredText(Fields fields, String key, int maxLength) {
    String value = fields.string(key);
    if (value == null) {
      throw new Invalid(fields.name(key) + " is required");
    }
    checkText(fields.name(key), value, maxLength);
    return value;
  }

  private static void checkText(String field, String value, int maxLength) {
    if (value.isBlank()) {
      throw new Invalid(field + " must not be blank");
    }
    checkLength(field, value, maxLength);
  }

  private static void checkLength(String field, String value, int maxLength) {
    // length() >= code points, so the count is only needed when the cheap bound fails.
    if (value.length() > maxLength && value.codePointCount(0, value.length()) > maxLength) {
      throw new Invalid(field + " must be at most " + maxLength + " characters");
    }
  }

  /** An optional integral JSON number in {@code 0..max}; 2.0 counts as integral, 2.5 does not. */
  private static Long nonNegativeInteger(Fields fields, String key, long max) {
    JsonValue value = fields.get(key);
    if (value == null) {
      return null;
    }
    String field = fields.name(key);
    if (value.getValueType() != ValueType.NUMBER) {
      throw new Invalid(field + " must be a number");
    }
    BigDecimal number = ((JsonNumber) value).bigDecimalValue();
    // Range first: compareTo looks at exponents before digits, so 1e999999999 is refused in O(1),
    // while turning it into an integer would allocate a billion digits.
    if (number.signum() < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new Invalid(field + " must be between 0 and " + max);
    }
    if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
      throw new Invalid(field + " must be a whole number");
    }
    return number.longValue();
  }

  // ---- unicode and echoes

  /**
   * PostgreSQL text cannot hold U+0000, and an unpaired surrogate has no UTF-8 encoding, so either
   * would fail (or be mangled) at the database long after the client was told the message was sent.
   */
  private static void checkStorable(String field, String value) {
    String problem = storageProblem(value);
    if (problem != null) {
      throw new Invalid(field + " must not contain " + problem);
    }
  }

  private static String storageProblem(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\0') {
        return "U+0000";
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else {
          return "unpaired surrogates";
        }
      } else if (Character.isLowSurrogate(c)) {
        return "unpaired surrogates";
      }
    }
    return null;
  }

  /** The frame's tempId when it is fit to send back, whatever else in the frame is wrong. */
  private String echoableTempId(JsonObject data) {
    JsonValue value = data.get("tempId");
    if (value == null || value.getValueType() != ValueType.STRING) {
      return null;
    }
    String tempId = ((JsonString) value).getString();
    boolean fits = tempId.codePointCount(0, tempId.length()) <= limits.maxIdLength();
    return fits && storageProblem(tempId) == null ? tempId : null;
  }

  /** At most 64 code points of client text, with controls and broken surrogates made visible. */
  private static String echo(String text) {
    boolean cut = text.codePointCount(0, text.length()) > MAX_ECHO_LENGTH;
    String head = cut ? text.substring(0, text.offsetByCodePoints(0, MAX_ECHO_LENGTH)) : text;
    StringBuilder out = new StringBuilder(head.length() + 1);
    head.codePoints()
        .map(
            cp ->
                Character.isISOControl(cp) || Character.getType(cp) == Character.SURROGATE
                    ? 0xFFFD
                    : cp)
        .forEach(out::appendCodePoint);
    return cut ? out.append('…').toString() : out.toString();
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7F) {
        return false;
      }
    }
    return true;
  }

  // ---- parsing

  /**
   * Builds the envelope object with an explicit stack instead of {@code JsonReader}, whose
   * recursive descent would let the nesting depth of client input decide how deep the thread's
   * stack goes.
   */
  private JsonObject parse(String frame) {
    if (frame == null || frame.isBlank()) {
      throw new Invalid("empty frame");
    }
    try (JsonParser parser = parserFactory.createParser(new StringReader(frame))) {
      if (parser.next() != JsonParser.Event.START_OBJECT) {
        throw new Invalid("frame must be a JSON object");
      }
      Deque<Open> open = new ArrayDeque<>();
      open.push(new Open(builderFactory.createObjectBuilder(), null));
      JsonObject root = null;
      while (root == null) {
        JsonParser.Event event = parser.next();
        switch (event) {
          case KEY_NAME -> open.peek().key = parser.getString();
          case START_OBJECT, START_ARRAY -> {
            if (open.size() >= MAX_DEPTH) {
              throw new Invalid("frame is nested too deeply");
            }
            open.push(
                event == JsonParser.Event.START_OBJECT
                    ? new Open(builderFactory.createObjectBuilder(), null)
                    : new Open(null, builderFactory.createArrayBuilder()));
          }
          case END_OBJECT, END_ARRAY -> {
            JsonValue done = open.pop().build();
            if (open.isEmpty()) {
              root = done.asJsonObject();
            } else {
              open.peek().add(done);
            }
          }
          default -> open.peek().add(parser.getValue());
        }
      }
      // Parsson throws on trailing tokens itself; other providers may just answer true.
      if (parser.hasNext()) {
        throw new Invalid("malformed JSON: data after the object");
      }
      return root;
    }
  }

  /** An object or array being built while parsing. */
  private static final class Open {
    private final JsonObjectBuilder object;
    private final JsonArrayBuilder array;
    private String key;

    Open(JsonObjectBuilder object, JsonArrayBuilder array) {
      this.object = object;
      this.array = array;
    }

    void add(JsonValue value) {
      if (object != null) {
        object.add(key, value);
      } else {
        array.add(value);
      }
    }

    JsonValue build() {
      return object != null ? object.build() : array.build();
    }
  }

  /** A JSON object's fields, named in messages with their path, e.g. {@code attachments[0].url}. */
  private record Fields(JsonObject object, String path) {

    String name(String key) {
      return path + key;
    }

    /** The value, or null when absent or JSON null: for optional fields both mean "not given". */
    JsonValue get(String key) {
      JsonValue value = object.get(key);
      return value == null || value.getValueType() == ValueType.NULL ? null : value;
    }

    /** A string field checked for storability, or null when not given. */
    String string(String key) {
      JsonValue value = get(key);
      if (value == null) {
        return null;
      }
      if (value.getValueType() != ValueType.STRING) {
        throw new Invalid(name(key) + " must be a string");
      }
      String s = ((JsonString) value).getString();
      checkStorable(name(key), s);
      return s;
    }
  }

  /** A refusal found while decoding; cheap, since it is control flow and never logged. */
  private static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }
}
