package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bounded send queue end to end ({@code messenger.send.max-queued}), on a server of its own
 * ({@link OwnServer}) with room for two sends accepted and not yet acknowledged and a writer that
 * lingers two seconds before it commits, so a burst fills the queue every time: the sends past it
 * are refused with {@code OVERLOADED}, their tempId and a {@code retryAfterMs}; nothing of them is
 * stored; the queued ones are acknowledged; a resend after the announced wait is accepted.
 */
class OverloadIT {
  private static OwnServer server;
  private static Api api;
  private static String chat;
  private static final String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startOwnServer() throws Exception {
    // One port above CrashDurabilityIT's own server.
    int port = Integer.getInteger("messenger.it.own-server.http.port", 9280) + 1;
    server =
        OwnServer.create(
            "overloadServer",
            port,
            Map.of(
                "MESSENGER_SEND_MAX_QUEUED", "2",
                "MESSENGER_SEND_COMMIT_LINGER_US", "2000000"));
    server.start();
    api = new Api(server.base());
    chat = api.createChat(alice, bob);
  }

  @AfterAll
  static void stopOwnServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void sendsPastTheQueueAreRefusedAsOverloadedStoreNothingAndMayBeResent() throws Exception {
    try (WsClient client = WsClient.connect(api.socket(), Tokens.valid(alice))) {
      client.send("join_chat", Json.createObjectBuilder().add("chatId", chat));
      client.await("joined_chat");

      for (int i = 0; i < 4; i++) {
        client.send("send_message", message("t" + i));
      }
      Map<String, JsonObject> refused = new TreeMap<>();
      Set<String> acknowledged = new TreeSet<>();
      collect(client, 4, refused, acknowledged);
      // The first two wait for the lingering writer; the queue has room for no more.
      assertEquals(Set.of("t0", "t1"), acknowledged);
      assertEquals(Set.of("t2", "t3"), refused.keySet());
      long retryAfterMs = 0;
      for (JsonObject error : refused.values()) {
        assertEquals("OVERLOADED", error.getString("code"));
        assertEquals("send_message", error.getString("event"));
        retryAfterMs = error.getJsonNumber("retryAfterMs").longValue();
        assertEquals(1000, retryAfterMs);
      }
      assertEquals(List.of("m t0", "m t1"), history());

      Thread.sleep(retryAfterMs);
      client.send("send_message", message("t2"));
      client.send("send_message", message("t3"));
      refused.clear();
      acknowledged.clear();
      collect(client, 2, refused, acknowledged);
      assertEquals(Set.of(), refused.keySet());
      assertEquals(Set.of("t2", "t3"), acknowledged);
      assertEquals(List.of("m t0", "m t1", "m t2", "m t3"), history());
    }
  }

  /** The next {@code count} answers to send_message: acknowledgements and refusals by tempId. */
  private static void collect(
      WsClient client, int count, Map<String, JsonObject> refused, Set<String> acknowledged) {
    for (int i = 0; i < count; i++) {
      JsonObject frame = client.next();
      JsonObject data = frame.getJsonObject("data");
      switch (frame.getString("event")) {
        case "message_sent" -> acknowledged.add(data.getString("tempId"));
        case "error" -> refused.put(data.getString("tempId"), data);
        default -> throw new AssertionError("unexpected frame " + frame);
      }
    }
  }

  private static JsonObjectBuilder message(String tempId) {
    return Json.createObjectBuilder()
        .add("chatId", chat)
        .add("content", "m " + tempId)
        .add("tempId", tempId);
  }

  /** The chat's stored texts, oldest first. */
  private static List<String> history() {
    HttpResponse<String> response =
        api.get("api/chats/" + chat + "/messages?limit=50", Tokens.valid(bob));
    assertEquals(200, response.statusCode(), response::body);
    List<String> texts = new ArrayList<>();
    for (JsonValue v : Api.json(response.body()).getJsonArray("messages")) {
      texts.add(0, v.asJsonObject().getString("content"));
    }
    return texts;
  }
}
