package dev.messenger.protocol;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Encodes outbound events as {@code {"event": ..., "data": {...}}} with JSON-B. One shared JSON-B
 * instance: it is thread-safe and costly to build.
 */
public final class EventEncoder {
  private static final Jsonb JSONB = JsonbBuilder.create();

  private EventEncoder() {}

  /** The envelope of every outbound frame; {@code event} first so clients can dispatch early. */
  @JsonbPropertyOrder({"event", "data"})
  public record Envelope(String event, Object data) {}

  /** The JSON of a payload alone, as stored in the chat event log. */
  public static String data(Object payload) {
    return JSONB.toJson(payload);
  }

  /**
   * A full frame from a payload object. The two frames every message produces are written by {@link
   * MessageFrames}, the same text JSON-B would write, at a fraction of its allocations.
   */
  public static String frame(String event, Object payload) {
    if (payload instanceof ServerEvent.NewMessage message) {
      return MessageFrames.newMessage(event, message);
    }
    if (payload instanceof ServerEvent.MessageSent sent) {
      return MessageFrames.messageSent(event, sent);
    }
    return viaJsonb(event, payload);
  }

  /** The frame as JSON-B writes it, for any payload. */
  static String viaJsonb(String event, Object payload) {
    return JSONB.toJson(new Envelope(event, payload));
  }

  /**
   * A full frame from a payload already encoded by {@link #data} (the event log keeps events
   * encoded): spliced into the envelope as it is, since parsing and re-encoding our own JSON would
   * only cost time. {@code event} is one of the {@link EventName} constants, which need no
   * escaping.
   */
  public static String frameFromData(String event, String dataJson) {
    return new StringBuilder(dataJson.length() + event.length() + 22)
        .append("{\"event\":\"")
        .append(event)
        .append("\",\"data\":")
        .append(dataJson)
        .append('}')
        .toString();
  }
}
