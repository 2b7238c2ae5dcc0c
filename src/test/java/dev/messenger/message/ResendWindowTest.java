package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.chat.ChatStore;
import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.chat.RecentTempKeys;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.MessageType;
import dev.messenger.storage.OnEachDatabase;
import dev.messenger.storage.TestClock;
import dev.messenger.storage.TestDatabase;
import dev.messenger.storage.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;

/**
 * The resend window of a node on embedded H2 (on each database, as the code does not care which):
 * what it recognises, for how long, after a restart and after a rollback. How sends are decided
 * otherwise is {@link MessageStoreWithResendWindowTest}'s.
 */
class ResendWindowTest {
  private static final TestDatabases DATABASES = new TestDatabases();
  private static final Duration WINDOW = Duration.ofMinutes(10);

  private final TestClock clock = new TestClock(Instant.parse("2025-03-04T05:06:07Z"));
  private TestDatabase db;
  private String alice;
  private String bob;
  private String chatId;

  @AfterAll
  static void closeDatabases() {
    DATABASES.close();
  }

  private void chatOfAliceAndBob(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    alice = "alice-" + UUID.randomUUID();
    bob = "bob-" + UUID.randomUUID();
    chatId = db.tx(em -> new ChatStore(em, clock).create(alice, "chat", List.of(bob))).id();
    TestSends.dropTempKeyIndex(db);
  }

  /** A node's sends with a window, its heads as fresh as after a start. */
  private SendTransactions node() {
    SendTransactions sends =
        TestSends.on(db, clock, TempKeys.SHA_256, LocalChatSeqs.forTests(true));
    sends.resendWindow = WINDOW;
    assertTrue(sends.windowed());
    return sends;
  }

  private MessageStore.SendRequest send(String user, String content, String tempId) {
    return new MessageStore.SendRequest(
        user,
        new ClientEvent.SendMessage(chatId, content, MessageType.TEXT, tempId, List.of()),
        true);
  }

  private MessageStore.Sent sendAlone(SendTransactions node, String user, String tempId) {
    return node.sendAll(List.of(send(user, "text of " + tempId, tempId))).get(0).value();
  }

  private long stored() {
    return db.queryLong("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId);
  }

  @OnEachDatabase
  void aResendIsRecognisedUntilTheWindowEndsAndStoredAgainAfter(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    SendTransactions node = node();
    MessageStore.Sent first = sendAlone(node, alice, "t1");

    clock.advanceMillis(WINDOW.toMillis() - 1);
    MessageStore.Sent within = sendAlone(node, alice, "t1");
    assertTrue(within.duplicate());
    assertEquals(first.ack(), within.ack());

    clock.advanceMillis(2);
    MessageStore.Sent after = sendAlone(node, alice, "t1");
    assertFalse(after.duplicate(), "the window promises no more");
    assertEquals(2L, after.ack().seq());
    assertEquals(2, stored());
    // The new message has a window of its own.
    assertTrue(sendAlone(node, alice, "t1").duplicate());
    assertEquals(after.ack().messageId(), sendAlone(node, alice, "t1").ack().messageId());
  }

  @OnEachDatabase
  void aRestartedNodeRebuildsEachChatsWindowFromItsLastMessages(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    SendTransactions before = node();
    // One a minute for half an hour, t0 at minute 0 to t29 at minute 29.
    for (int i = 0; i < 30; i++) {
      sendAlone(before, i % 2 == 0 ? alice : bob, "t" + i);
      clock.advanceMillis(Duration.ofMinutes(1).toMillis());
    }
    clock.advanceMillis(-Duration.ofMinutes(1).toMillis()); // now: minute 29

    SendTransactions restarted = node();
    // The window reaches back to minute 19: t19 to t29 are recognised, t18 is not.
    for (int i = 29; i >= 19; i--) {
      MessageStore.Sent again = sendAlone(restarted, i % 2 == 0 ? alice : bob, "t" + i);
      assertTrue(again.duplicate(), "t" + i);
      assertEquals(i + 1L, again.ack().seq());
    }
    assertEquals(30, stored());
    MessageStore.Sent late = sendAlone(restarted, alice, "t18");
    assertFalse(late.duplicate());
    assertEquals(31L, late.ack().seq());
  }

  /**
   * A rolled-back batch leaves its tempIds in the window with seqs it gave back; the message that
   * takes such a seq next is another, and a resend must not be answered with it.
   */
  @OnEachDatabase
  void aRolledBackSendLeavesNoFalseResendBehind(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    SendTransactions node = node();
    String tooLong = "x".repeat(300); // no sender id column takes it: the batch fails
    assertThrows(
        RuntimeException.class,
        () -> node.sendAll(List.of(send(alice, "lost", "t1"), send(tooLong, "bad", "t2"))));
    assertEquals(0, stored());

    MessageStore.Sent bobs = sendAlone(node, bob, "b1");
    assertEquals(1L, bobs.ack().seq(), "the seq given back is taken again");
    MessageStore.Sent alices = sendAlone(node, alice, "t1");
    assertFalse(alices.duplicate(), "seq 1 is Bob's now, not Alice's t1");
    assertEquals(2L, alices.ack().seq());
    assertTrue(sendAlone(node, alice, "t1").duplicate());
  }

  /**
   * The start-up read of a window: a binary search over the chat's seqs (some of them not messages'
   * but edits' or reactions', so absent from the table) for the first message in the window.
   */
  @OnEachDatabase
  void theWindowReadAtStartTakesTheMessagesSinceItsStartOverGapsInTheSeqs(TestDatabase.Kind kind)
      throws SQLException {
    chatOfAliceAndBob(kind);
    // Messages at seqs 1, 2, 4, 5, 7 ... 40 (every third seq taken by something else), one a
    // second;
    // every fourth without a key (sent with no tempId).
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO messages (id, chat_id, sender_id, content, message_type, temp_id,"
                    + " temp_key, created_at, seq) VALUES (?, ?, ?, 'x', 'TEXT', ?, ?, ?, ?)")) {
      for (long seq = 1; seq <= 40; seq++) {
        if (seq % 3 == 0) {
          continue;
        }
        insert.setString(1, UUID.randomUUID().toString());
        insert.setString(2, chatId);
        insert.setString(3, alice);
        insert.setString(4, seq % 4 == 0 ? null : "t" + seq);
        if (seq % 4 == 0) {
          insert.setNull(5, java.sql.Types.BIGINT);
        } else {
          insert.setLong(5, 1000 + seq);
        }
        insert.setLong(6, 1_000_000 + seq * 1000);
        insert.setLong(7, seq);
        insert.executeUpdate();
      }
      SendRows rows = SendRows.on(c);
      for (long since :
          new long[] {1_000_000, 1_012_000, 1_012_001, 1_013_000, 1_039_500, 1_040_000}) {
        RecentTempKeys recent = rows.recentTempKeys(chatId, 40, since);
        long[] expected =
            LongStream.rangeClosed(1, 40)
                .filter(s -> s % 3 != 0 && s % 4 != 0 && 1_000_000 + s * 1000 >= since)
                .toArray();
        assertEquals(expected.length, recent.size(), "since " + since);
        for (long seq : expected) {
          assertArrayEquals(new long[] {seq}, recent.seqsOf(1000 + seq), "seq " + seq);
        }
      }
      // Up to the seq given, not beyond: what another transaction may still hold.
      assertEquals(0, rows.recentTempKeys(chatId, 0, 0).size());
      assertEquals(4, rows.recentTempKeys(chatId, 7, 0).size()); // 1, 2, 5, 7
      rows.close();
    }
  }
}
