package dev.messenger.protocol;

import dev.messenger.protocol.ServerEvent.MessageSent;
import dev.messenger.protocol.ServerEvent.NewMessage;
import java.util.List;

/**
 * The two frames every stored message produces, {@code message_sent} to its sender and {@code
 * new_message} to the chat's other members, written by hand: the same text, byte for byte, that
 * JSON-B writes for them (properties in lexicographic order, nulls left out, strings escaped as
 * Parsson escapes them), which {@code MessageFramesTest} checks against JSON-B on generated
 * payloads: a component added to either record fails it until it is written here too.
 *
 * <p>Why not JSON-B here: per frame it builds a serialisation context with its sets and maps, a
 * generator, and a string buffer it grows and then copies, which came to about a tenth of what the
 * node allocated per message under load (bench/README, twenty-first session); what a message
 * allocates decides how often the collector pauses every socket. Every other event still goes
 * through JSON-B.
 */
final class MessageFrames {
  /**
   * Room for the envelope, the names, the punctuation and a seq, and for an attachment's: sized up
   * front, since growing the buffer copies it (escapes may still make it grow).
   */
  private static final int FIXED = 128;

  private static final int PER_ATTACHMENT = 256;

  private MessageFrames() {}

  static String messageSent(String event, MessageSent sent) {
    StringBuilder json =
        envelope(
            event,
            FIXED
                + length(sent.chatId())
                + length(sent.createdAt())
                + length(sent.messageId())
                + length(sent.tempId()));
    Fields data = new Fields(json);
    data.string("chatId", sent.chatId());
    data.string("createdAt", sent.createdAt());
    data.string("messageId", sent.messageId());
    data.number("seq", sent.seq());
    data.string("tempId", sent.tempId());
    return json.append("}}").toString();
  }

  static String newMessage(String event, NewMessage message) {
    String content = message.content();
    int attachments = message.attachments() == null ? 0 : message.attachments().size();
    StringBuilder json =
        envelope(
            event,
            2 * FIXED
                + PER_ATTACHMENT * attachments
                + length(message.messageId())
                + length(message.chatId())
                + length(message.senderId())
                + length(content)
                + length(message.createdAt())
                + length(message.tempId()));
    Fields data = new Fields(json);
    if (message.attachments() != null) {
      data.name("attachments");
      attachments(json, message.attachments());
    }
    data.string("chatId", message.chatId());
    data.string("content", content);
    data.string("createdAt", message.createdAt());
    data.string("messageId", message.messageId());
    data.string("messageType", message.messageType() == null ? null : message.messageType().name());
    data.string("senderId", message.senderId());
    data.number("seq", message.seq());
    data.string("tempId", message.tempId());
    return json.append("}}").toString();
  }

  private static int length(String value) {
    return value == null ? 0 : value.length();
  }

  private static StringBuilder envelope(String event, int capacity) {
    StringBuilder json = new StringBuilder(capacity).append("{\"event\":");
    JsonStrings.append(json, event);
    return json.append(",\"data\":{");
  }

  private static void attachments(StringBuilder json, List<Attachment> attachments) {
    json.append('[');
    for (int i = 0; i < attachments.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      Attachment attachment = attachments.get(i);
      if (attachment == null) {
        json.append("null");
        continue;
      }
      json.append('{');
      Fields fields = new Fields(json);
      fields.string("contentType", attachment.contentType());
      fields.string("id", attachment.id());
      fields.string("name", attachment.name());
      if (attachment.size() != null) {
        fields.number("size", attachment.size());
      }
      fields.string("url", attachment.url());
      json.append('}');
    }
    json.append(']');
  }

  /** The members of one JSON object, commas between them, null values left out. */
  private static final class Fields {
    private final StringBuilder json;
    private boolean first = true;

    Fields(StringBuilder json) {
      this.json = json;
    }

    void string(String name, String value) {
      if (value != null) {
        name(name);
        JsonStrings.append(json, value);
      }
    }

    void number(String name, long value) {
      name(name);
      json.append(value);
    }

    /** Names are this class's constants: nothing in them needs escaping. */
    void name(String name) {
      if (!first) {
        json.append(',');
      }
      first = false;
      json.append('"').append(name).append("\":");
    }
  }
}
