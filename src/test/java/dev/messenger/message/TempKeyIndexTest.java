package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.storage.OnEachDatabase;
import dev.messenger.storage.SchemaMigrated;
import dev.messenger.storage.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * The unique index on tempId keys, dropped by a node with a resend window and made again by one
 * without: resends the window let through by then (two messages under one key) must not stop it.
 */
class TempKeyIndexTest {
  @OnEachDatabase
  void droppedThenMadeAgainOverKeysStoredTwice(TestDatabase.Kind kind) throws SQLException {
    try (TestDatabase db = TestDatabase.open(kind)) {
      db.assumeAvailable();
      try (Connection c = db.dataSource().getConnection()) {
        TempKeyIndex.drop(c);
        TempKeyIndex.drop(c); // idempotent: every start does it
        String chat = UUID.randomUUID().toString();
        // Ids in creation order, as RowIds makes them: "a" the first message, "b" its late resend.
        insert(c, "a" + chat.substring(1), chat, 1, 42L);
        insert(c, "b" + chat.substring(1), chat, 2, 42L);
        insert(c, "c" + chat.substring(1), chat, 3, 43L);

        assertEquals(1, TempKeyIndex.ensure(c));
        assertEquals(0, TempKeyIndex.ensure(c), "made once: nothing to do the next time");

        assertEquals(
            42L,
            db.queryLong("SELECT temp_key FROM messages WHERE id = ?", "a" + chat.substring(1)));
        assertEquals(
            1,
            db.queryLong(
                "SELECT COUNT(*) FROM messages WHERE id = ? AND temp_key IS NULL",
                "b" + chat.substring(1)));
        assertEquals(
            43L,
            db.queryLong("SELECT temp_key FROM messages WHERE id = ?", "c" + chat.substring(1)));
        SQLException refused =
            assertThrows(
                SQLException.class, () -> insert(c, "d" + chat.substring(1), chat, 4, 43L));
        assertTrue(SendRows.isUniqueViolation(refused), refused::toString);
      }
    }
  }

  /** What a start does, by whether the node keeps a resend window. */
  @OnEachDatabase
  void aStartDropsTheIndexWithAWindowAndMakesItWithout(TestDatabase.Kind kind) throws SQLException {
    try (TestDatabase db = TestDatabase.open(kind)) {
      db.assumeAvailable();
      TempKeyIndex atStart = new TempKeyIndex();
      atStart.database = db.dataSource();
      atStart.sends =
          TestSends.on(db, Clock.systemUTC(), TempKeys.SHA_256, LocalChatSeqs.forTests(true));
      String chat = UUID.randomUUID().toString();
      try (Connection c = db.dataSource().getConnection()) {
        atStart.sends.resendWindow = Duration.ofMinutes(10);
        atStart.atStart(new SchemaMigrated());
        insert(c, "a" + chat.substring(1), chat, 1, 7L);
        insert(c, "b" + chat.substring(1), chat, 2, 7L); // taken: no index to refuse it

        atStart.sends.resendWindow = Duration.ZERO;
        atStart.atStart(new SchemaMigrated());
        SQLException refused =
            assertThrows(SQLException.class, () -> insert(c, "c" + chat.substring(1), chat, 3, 7L));
        assertTrue(SendRows.isUniqueViolation(refused), refused::toString);
      }
    }
  }

  private static void insert(Connection c, String id, String chat, long seq, long key)
      throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO messages (id, chat_id, sender_id, content, message_type, temp_id,"
                + " temp_key, created_at, seq) VALUES (?, ?, 'alice', 'x', 'TEXT', ?, ?, 0, ?)")) {
      insert.setString(1, id);
      insert.setString(2, chat);
      insert.setString(3, id);
      insert.setLong(4, key);
      insert.setLong(5, seq);
      insert.executeUpdate();
    }
  }
}
