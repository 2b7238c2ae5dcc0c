package dev.messenger.chat;

import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.RequestRefused;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/chats}, parsed by hand so that a malformed body gets the same JSON
 * error as every other refusal instead of the JAX-RS provider's own 400.
 */
public record CreateChatRequest(String name, List<String> memberIds) {

  public static CreateChatRequest parse(String body) {
    JsonValue value;
    try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
      value = reader.readValue();
    } catch (JsonParsingException e) {
      throw new RequestRefused(ErrorCode.BAD_REQUEST, "body is not valid JSON");
    } catch (JsonException e) {
      throw new RequestRefused(ErrorCode.BAD_REQUEST, "body must be a JSON object");
    }
    if (!(value instanceof JsonObject object)) {
      throw new RequestRefused(ErrorCode.BAD_REQUEST, "body must be a JSON object");
    }
    JsonValue name = object.getOrDefault("name", JsonValue.NULL);
    if (name != JsonValue.NULL && !(name instanceof JsonString)) {
      throw RequestRefused.validation("name must be a string");
    }
    if (!(object.get("memberIds") instanceof JsonArray array)) {
      throw RequestRefused.validation("memberIds must be an array of user ids");
    }
    List<String> memberIds = new ArrayList<>(array.size());
    for (JsonValue item : array) {
      if (!(item instanceof JsonString id)) {
        throw RequestRefused.validation("memberIds must be an array of user ids");
      }
      memberIds.add(id.getString());
    }
    return new CreateChatRequest(
        name instanceof JsonString s ? s.getString() : null, List.copyOf(memberIds));
  }
}
