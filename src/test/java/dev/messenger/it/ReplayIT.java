package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resume without loss: join_chat with lastSeq or lastMessageId replays, in order, every persisted
 * event the client missed (edits, deletions and reactions included), then goes live without
 * duplicates. The test server replays at most 50 events (failsafe environment).
 */
class ReplayIT extends GatewayIT {

  @Test
  void rejoiningWithLastSeqReplaysEverythingMissedInOrder() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    long bobSeq;
    String first;
    try (WsClient bobClient = joined(bob, chat);
        WsClient aliceClient = connect(alice)) {
      aliceClient.send("send_message", text(chat, "seen", "t-0"));
      first = aliceClient.expect("message_sent").getString("messageId");
      bobSeq = bobClient.expect("new_message").getJsonNumber("seq").longValue();
    }
    // Bob is offline: a message, an edit, a reaction, a deletion happen.
    try (WsClient aliceClient = connect(alice)) {
      aliceClient.send("send_message", text(chat, "missed", "t-1"));
      String missed = aliceClient.expect("message_sent").getString("messageId");
      aliceClient.send(
          "edit_message", data().add("messageId", first).add("content", "seen (edited)"));
      aliceClient.expect("message_edited");
      aliceClient.send("add_reaction", data().add("messageId", missed).add("emoji", "🔥"));
      aliceClient.expect("reaction_added");
      aliceClient.send("delete_message", data().add("messageId", first));
      aliceClient.expect("message_deleted");
    }
    try (WsClient bobClient = connect(bob)) {
      bobClient.send("join_chat", data().add("chatId", chat).add("lastSeq", bobSeq));
      List<String> events = new ArrayList<>();
      long previous = bobSeq;
      JsonObject frame;
      while (!(frame = bobClient.next()).getString("event").equals("joined_chat")) {
        events.add(frame.getString("event"));
        long seq = frame.getJsonObject("data").getJsonNumber("seq").longValue();
        assertEquals(previous + 1, seq, "replay must have no gaps or duplicates");
        previous = seq;
      }
      assertEquals(
          List.of("new_message", "message_edited", "reaction_added", "message_deleted"), events);
      JsonObject joined = frame.getJsonObject("data");
      assertEquals(4, joined.getInt("replayed"));
      assertEquals(previous, joined.getJsonNumber("lastSeq").longValue());
      assertFalse(joined.getBoolean("reloadRequired"));
    }
  }

  @Test
  void lastMessageIdReplaysWhatCameAfterThatMessageAndScrubsDeletedText() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    List<String> ids = new ArrayList<>();
    try (WsClient aliceClient = connect(alice)) {
      for (int i = 1; i <= 4; i++) {
        aliceClient.send("send_message", text(chat, "m" + i, "t-" + i));
        ids.add(aliceClient.expect("message_sent").getString("messageId"));
      }
      aliceClient.send("delete_message", data().add("messageId", ids.get(3)));
      aliceClient.expect("message_deleted");
    }
    try (WsClient bobClient = connect(bob)) {
      bobClient.send("join_chat", data().add("chatId", chat).add("lastMessageId", ids.get(1)));
      JsonObject m3 = bobClient.expect("new_message");
      assertEquals(ids.get(2), m3.getString("messageId"));
      assertEquals("m3", m3.getString("content"));
      JsonObject m4 = bobClient.expect("new_message");
      assertEquals(ids.get(3), m4.getString("messageId"));
      assertEquals("", m4.getString("content"), "deleted text must not come back in a replay");
      assertEquals(ids.get(3), bobClient.expect("message_deleted").getString("messageId"));
      assertEquals(3, bobClient.expect("joined_chat").getInt("replayed"));
    }
  }

  @Test
  void liveEventsFollowTheReplayWithoutDuplicates() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceClient = connect(alice);
        WsClient bobClient = connect(bob)) {
      for (int i = 0; i < 5; i++) {
        aliceClient.send("send_message", text(chat, "before " + i, "b-" + i));
        aliceClient.expect("message_sent");
      }
      // Alice keeps sending while Bob joins from the start of the chat.
      bobClient.send("join_chat", data().add("chatId", chat).add("lastSeq", 0));
      for (int i = 0; i < 5; i++) {
        aliceClient.send("send_message", text(chat, "during " + i, "d-" + i));
        aliceClient.expect("message_sent");
      }
      List<Long> seqs = new ArrayList<>();
      while (seqs.size() < 10) {
        JsonObject frame = bobClient.next();
        if (frame.getString("event").equals("new_message")) {
          seqs.add(frame.getJsonObject("data").getJsonNumber("seq").longValue());
        }
      }
      assertEquals(10, seqs.stream().distinct().count(), seqs::toString);
      for (int i = 1; i <= 10; i++) {
        assertTrue(seqs.contains((long) i), () -> "missing seq in " + seqs);
      }
      bobClient.expectSilence(Duration.ofMillis(500));
    }
  }

  @Test
  void moreThanTheReplayLimitTellsTheClientToReloadOverRest() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    // 51 events > the test server's limit of 50; reactions are cheaper on the rate limit than
    // messages.
    try (WsClient aliceClient = joined(alice, chat)) {
      aliceClient.send("send_message", text(chat, "react", "t-1"));
      String id = aliceClient.expect("message_sent").getString("messageId");
      for (int i = 0; i < 25; i++) {
        aliceClient.send("add_reaction", data().add("messageId", id).add("emoji", "e" + i));
        aliceClient.expect("reaction_added");
        aliceClient.send("remove_reaction", data().add("messageId", id).add("emoji", "e" + i));
        aliceClient.expect("reaction_removed");
      }
    }
    try (WsClient bobClient = connect(bob)) {
      bobClient.send("join_chat", data().add("chatId", chat).add("lastSeq", 0));
      JsonObject joined = bobClient.expect("joined_chat");
      assertTrue(joined.getBoolean("reloadRequired"));
      assertEquals(0, joined.getInt("replayed"));
      assertEquals(51, joined.getJsonNumber("lastSeq").longValue());
    }
  }

  @Test
  void unknownLastMessageIdIsNotFound() {
    String alice = user("alice");
    String chat = api.createChat(alice);
    try (WsClient client = connect(alice)) {
      client.send("join_chat", data().add("chatId", chat).add("lastMessageId", "nope"));
      assertError(client.expect("error"), "NOT_FOUND", "join_chat");
    }
  }
}
