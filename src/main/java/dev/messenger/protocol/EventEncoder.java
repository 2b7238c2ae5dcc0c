package dev.messenger.protocol;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.Map;

/**
 * Encodes outbound events as {@code {"event": ..., "data": {...}}} with JSON-B. One shared JSON-B
 * instance: it is thread-safe and costly to build.
 */
public final class EventEncoder {
  /**
   * One reader factory: {@code Json.createReader} looks the JSON-P provider up (a ServiceLoader
   * scan) on every call, which showed in the fan-out profile.
   */
  private static final JsonReaderFactory READERS =
      JsonProvider.provider().createReaderFactory(Map.of());

  private static final Jsonb JSONB = JsonbBuilder.create();

  private EventEncoder() {}

  /** The envelope of every outbound frame; {@code event} first so clients can dispatch early. */
  @JsonbPropertyOrder({"event", "data"})
  public record Envelope(String event, Object data) {}

  /** The JSON of a payload alone, as stored in the chat event log. */
  public static String data(Object payload) {
    return JSONB.toJson(payload);
  }

  /** A full frame from a payload object. */
  public static String frame(String event, Object payload) {
    return JSONB.toJson(new Envelope(event, payload));
  }

  /** A full frame from a stored payload (replayed events are kept encoded in the event log). */
  public static String frameFromData(String event, String dataJson) {
    try (JsonReader reader = READERS.createReader(new StringReader(dataJson))) {
      JsonObject data = reader.readObject();
      return JSONB.toJson(new Envelope(event, data));
    }
  }
}
