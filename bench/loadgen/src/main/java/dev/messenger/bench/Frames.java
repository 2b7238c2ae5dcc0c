package dev.messenger.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** The few protocol frames the generator writes, and the fields it reads from what comes back. */
final class Frames {
  static final String SEND_MESSAGE = "send_message";
  private static final JsonFactory JSON = new JsonFactory();

  private Frames() {}

  /** The fields of an inbound frame that the generator uses; absent ones are null. */
  record Inbound(String event, String tempId, String code, String chatId) {}

  static String joinChat(String chatId) {
    return write("join_chat", chatId, null, null);
  }

  static String sendMessage(String chatId, String tempId, String content) {
    return write(SEND_MESSAGE, chatId, tempId, content);
  }

  private static String write(String event, String chatId, String tempId, String content) {
    StringWriter out = new StringWriter(96 + (content == null ? 0 : content.length()));
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("event", event);
      g.writeObjectFieldStart("data");
      g.writeStringField("chatId", chatId);
      if (content != null) {
        g.writeStringField("content", content);
      }
      if (tempId != null) {
        g.writeStringField("tempId", tempId);
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Reads {@code event} and, inside {@code data}, {@code tempId}, {@code code} and {@code chatId};
   * skips everything else. A frame that is not a JSON object with a string event gives null.
   */
  static Inbound read(String frame) {
    String event = null;
    String tempId = null;
    String code = null;
    String chatId = null;
    try (JsonParser p = JSON.createParser(frame)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("event") && value == JsonToken.VALUE_STRING) {
          event = p.getText();
        } else if (field.equals("data") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_STRING) {
              switch (name) {
                case "tempId" -> tempId = p.getText();
                case "code" -> code = p.getText();
                case "chatId" -> chatId = p.getText();
                default -> {}
              }
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      return null;
    }
    return event == null ? null : new Inbound(event, tempId, code, chatId);
  }
}
