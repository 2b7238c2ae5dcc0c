package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each chat event's happy path and authorization, between real users over real sockets. */
class MessagingIT extends GatewayIT {
  private static final Duration QUIET = Duration.ofMillis(500);

  @Test
  void sendConfirmsToSenderAndDeliversToEveryOtherJoinedConnection() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceLaptop = joined(alice, chat);
        WsClient alicePhone = joined(alice, chat);
        WsClient bobClient = joined(bob, chat)) {
      aliceLaptop.send("send_message", text(chat, "hello bob", "t-1"));

      JsonObject sent = aliceLaptop.expect("message_sent");
      assertEquals("t-1", sent.getString("tempId"));
      assertEquals(chat, sent.getString("chatId"));
      String messageId = sent.getString("messageId");
      assertTrue(sent.containsKey("createdAt"));

      for (WsClient receiver : new WsClient[] {bobClient, alicePhone}) {
        JsonObject message = receiver.expect("new_message");
        assertEquals(messageId, message.getString("messageId"));
        assertEquals(chat, message.getString("chatId"));
        assertEquals(alice, message.getString("senderId"));
        assertEquals("hello bob", message.getString("content"));
        assertEquals("TEXT", message.getString("messageType"));
        assertEquals("t-1", message.getString("tempId"));
        assertEquals(
            sent.getJsonNumber("seq").longValue(), message.getJsonNumber("seq").longValue());
      }
      aliceLaptop.expectSilence(QUIET); // the sending connection has message_sent, not new_message
    }
  }

  @Test
  void membershipAloneIsEnoughToSend() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient bobClient = joined(bob, chat);
        WsClient aliceClient = connect(alice)) {
      aliceClient.send("send_message", text(chat, "not joined, still a member", "t-1"));
      aliceClient.expect("message_sent");
      assertEquals(
          "not joined, still a member", bobClient.expect("new_message").getString("content"));
    }
  }

  @Test
  void resendWithTheSameTempIdReturnsTheOriginalMessageOnce() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceClient = connect(alice);
        WsClient bobClient = joined(bob, chat)) {
      aliceClient.send("send_message", text(chat, "once", "same-temp"));
      String first = aliceClient.expect("message_sent").getString("messageId");
      aliceClient.send("send_message", text(chat, "once", "same-temp"));
      assertEquals(first, aliceClient.expect("message_sent").getString("messageId"));
      bobClient.expect("new_message");
      bobClient.expectSilence(QUIET);
    }
  }

  @Test
  void editAndDeleteReachEveryJoinedConnectionAndOnlyTheAuthorMayDoThem() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceClient = joined(alice, chat);
        WsClient bobClient = joined(bob, chat)) {
      aliceClient.send("send_message", text(chat, "typo", "t-1"));
      String id = aliceClient.expect("message_sent").getString("messageId");
      bobClient.expect("new_message");

      bobClient.send("edit_message", data().add("messageId", id).add("content", "hijack"));
      assertError(bobClient.expect("error"), "FORBIDDEN", "edit_message");
      bobClient.send("delete_message", data().add("messageId", id));
      assertError(bobClient.expect("error"), "FORBIDDEN", "delete_message");

      aliceClient.send("edit_message", data().add("messageId", id).add("content", "fixed"));
      for (WsClient c : new WsClient[] {aliceClient, bobClient}) {
        JsonObject edited = c.expect("message_edited");
        assertEquals(id, edited.getString("messageId"));
        assertEquals("fixed", edited.getString("content"));
      }

      aliceClient.send("delete_message", data().add("messageId", id));
      for (WsClient c : new WsClient[] {aliceClient, bobClient}) {
        assertEquals(id, c.expect("message_deleted").getString("messageId"));
      }

      aliceClient.send("edit_message", data().add("messageId", id).add("content", "zombie"));
      assertError(aliceClient.expect("error"), "NOT_FOUND", "edit_message");
      bobClient.send("add_reaction", data().add("messageId", id).add("emoji", "👍"));
      assertError(bobClient.expect("error"), "NOT_FOUND", "add_reaction");
    }
  }

  @Test
  void reactionsAreAddedAndRemovedForEveryJoinedConnection() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceClient = joined(alice, chat);
        WsClient bobClient = joined(bob, chat)) {
      aliceClient.send("send_message", text(chat, "react to me", "t-1"));
      String id = aliceClient.expect("message_sent").getString("messageId");
      bobClient.expect("new_message");

      bobClient.send("add_reaction", data().add("messageId", id).add("emoji", "🎉"));
      for (WsClient c : new WsClient[] {aliceClient, bobClient}) {
        JsonObject added = c.expect("reaction_added");
        assertEquals(id, added.getString("messageId"));
        assertEquals(bob, added.getString("userId"));
        assertEquals("🎉", added.getString("emoji"));
      }
      bobClient.send("remove_reaction", data().add("messageId", id).add("emoji", "🎉"));
      for (WsClient c : new WsClient[] {aliceClient, bobClient}) {
        assertEquals("🎉", c.expect("reaction_removed").getString("emoji"));
      }
    }
  }

  @Test
  void leftChatStopsLiveDelivery() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceClient = connect(alice);
        WsClient bobClient = joined(bob, chat)) {
      bobClient.send("leave_chat", data().add("chatId", chat));
      assertEquals(chat, bobClient.expect("left_chat").getString("chatId"));
      aliceClient.send("send_message", text(chat, "anyone?", "t-1"));
      aliceClient.expect("message_sent");
      bobClient.expectSilence(QUIET);
    }
  }

  @Test
  void outsidersCannotJoinSendTypeReactOrLearnThatTheChatExists() {
    String alice = user("alice");
    String bob = user("bob");
    String eve = user("eve");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceClient = joined(alice, chat);
        WsClient eveClient = connect(eve)) {
      aliceClient.send("send_message", text(chat, "private", "t-1"));
      String id = aliceClient.expect("message_sent").getString("messageId");

      eveClient.send("join_chat", data().add("chatId", chat));
      JsonObject existing = eveClient.expect("error");
      eveClient.send("join_chat", data().add("chatId", "no-such-chat"));
      JsonObject missing = eveClient.expect("error");
      assertError(existing, "NOT_FOUND", "join_chat");
      assertEquals(missing.getString("code"), existing.getString("code"));
      assertEquals(missing.getString("message"), existing.getString("message"));

      eveClient.send("send_message", text(chat, "let me in", "t-eve"));
      JsonObject refused = eveClient.expect("error");
      assertError(refused, "NOT_FOUND", "send_message");
      assertEquals("t-eve", refused.getString("tempId"));

      eveClient.send("typing_start", data().add("chatId", chat));
      assertError(eveClient.expect("error"), "NOT_FOUND", "typing_start");
      eveClient.send("add_reaction", data().add("messageId", id).add("emoji", "👀"));
      assertError(eveClient.expect("error"), "NOT_FOUND", "add_reaction");
      eveClient.send("edit_message", data().add("messageId", id).add("content", "x"));
      assertError(eveClient.expect("error"), "NOT_FOUND", "edit_message");

      aliceClient.expectSilence(QUIET);
      assertEquals(404, api.get("api/chats/" + chat + "/messages", Tokens.valid(eve)).statusCode());
    }
  }

  @Test
  void historyIsPagedNewestFirstForMembers() {
    String alice = user("alice");
    String chat = api.createChat(alice);
    try (WsClient aliceClient = connect(alice)) {
      for (int i = 1; i <= 5; i++) {
        aliceClient.send("send_message", text(chat, "m" + i, "t-" + i));
        aliceClient.expect("message_sent");
      }
    }
    JsonObject page =
        Api.json(api.get("api/chats/" + chat + "/messages?limit=3", Tokens.valid(alice)).body());
    assertEquals(3, page.getJsonArray("messages").size());
    assertEquals("m5", page.getJsonArray("messages").getJsonObject(0).getString("content"));
    String before = page.getString("nextBefore");
    JsonObject older =
        Api.json(
            api.get("api/chats/" + chat + "/messages?limit=3&before=" + before, Tokens.valid(alice))
                .body());
    assertEquals(2, older.getJsonArray("messages").size());
    assertEquals("m2", older.getJsonArray("messages").getJsonObject(0).getString("content"));
    assertFalse(older.containsKey("nextBefore") && !older.isNull("nextBefore"));
  }
}
