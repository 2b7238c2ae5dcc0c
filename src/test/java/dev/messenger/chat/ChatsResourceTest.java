package dev.messenger.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.message.MessageStore;
import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.RequestRefused;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatsResourceTest {

  @Test
  void parsesACreateBody() {
    assertEquals(
        new CreateChatRequest("Team", List.of("a", "b")),
        CreateChatRequest.parse("{\"name\":\"Team\",\"memberIds\":[\"a\",\"b\"]}"));
    assertEquals(
        new CreateChatRequest(null, List.of()),
        CreateChatRequest.parse("{\"name\":null,\"memberIds\":[]}"));
    assertNull(CreateChatRequest.parse("{\"memberIds\":[\"a\"]}").name());
  }

  @Test
  void malformedBodiesAreBadRequests() {
    for (String body : new String[] {"", "{", "[1]", "\"x\"", "not json", null}) {
      assertEquals(ErrorCode.BAD_REQUEST, refusal(() -> CreateChatRequest.parse(body)), body);
    }
  }

  @Test
  void wrongFieldsAreValidationErrors() {
    for (String body :
        new String[] {
          "{}",
          "{\"memberIds\":\"a\"}",
          "{\"memberIds\":[1]}",
          "{\"memberIds\":[null]}",
          "{\"name\":5,\"memberIds\":[]}"
        }) {
      assertEquals(ErrorCode.VALIDATION, refusal(() -> CreateChatRequest.parse(body)), body);
    }
  }

  @Test
  void pageSize() {
    assertEquals(50, ChatsResource.pageSize(null, 50, 200));
    assertEquals(50, ChatsResource.pageSize(" ", 50, 200));
    assertEquals(7, ChatsResource.pageSize("7", 50, 200));
    assertEquals(200, ChatsResource.pageSize("5000", 50, 200));
    assertEquals(ErrorCode.VALIDATION, refusal(() -> ChatsResource.pageSize("0", 50, 200)));
    assertEquals(ErrorCode.VALIDATION, refusal(() -> ChatsResource.pageSize("ten", 50, 200)));
  }

  @Test
  void historyJsonKeepsNullsClientsBranchOn() throws Exception {
    try (Jsonb jsonb = JsonbBuilder.create()) {
      String json = jsonb.toJson(new MessageStore.HistoryPage("c", 3, List.of(), null));
      assertTrue(json.contains("\"nextBefore\":null"), json);
      String chat = jsonb.toJson(new ChatStore.ChatView("c", null, List.of("a"), "t", 0));
      assertTrue(chat.contains("\"name\":null"), chat);
    }
  }

  private static ErrorCode refusal(Runnable call) {
    return assertThrows(RequestRefused.class, call::run).code();
  }
}
