package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.protocol.MessageType;
import dev.messenger.storage.Journal;
import dev.messenger.storage.SchemaMigrator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal against a real crash of H2: commits that H2 held only in memory are gone after {@code
 * SHUTDOWN IMMEDIATELY} (H2 closes its file without writing anything, as a killed server would),
 * and the replay of the journal brings back exactly those.
 */
class SendJournalReplayTest {
  @TempDir Path dir;

  private JdbcDataSource database;
  private Journal journal;
  // Held open like the server's pool: H2 writes its store out when its last connection closes.
  private Connection held;

  @BeforeEach
  void freshDatabaseWithAChat() throws Exception {
    database = new JdbcDataSource();
    // No background store for a minute: what is not written out by CHECKPOINT stays in memory.
    database.setURL("jdbc:h2:" + dir.resolve("db") + ";WRITE_DELAY=60000");
    database.setUser("sa");
    database.setPassword("");
    held = database.getConnection();
    new SchemaMigrator(database).migrate();
    try (Connection c = database.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO chats (id, name, created_by, created_at, last_seq)"
              + " VALUES ('chat', 'c', 'alice', 0, 1)");
      s.execute(
          "INSERT INTO messages (id, chat_id, sender_id, content, message_type, attachments,"
              + " temp_id, temp_key, created_at, seq)"
              + " VALUES ('m1', 'chat', 'alice', 'stored', 'TEXT', '[]', 't1', 1, 1, 1)");
      s.execute(
          "INSERT INTO attachments (id, uploader_id, name, content_type, size_bytes, sha256,"
              + " created_at) VALUES ('file', 'alice', 'a.png', 'image/png', 1, 'x', 0)");
      s.execute("CHECKPOINT");
    }
    journal = Journal.open(dir.resolve("db.journal"));
  }

  @AfterEach
  void close() throws Exception {
    journal.close();
    held.close();
  }

  @Test
  void messagesCommittedButNotWrittenOutComeBackFromTheJournal() throws Exception {
    JournaledSend second = send("m2", 2, "t2", TempKeys.SHA_256.of("chat", "alice", "t2"));
    JournaledSend third =
        new JournaledSend(
            new Message(
                "m3", "chat", "bob", "pic", MessageType.IMAGE, "[{\"id\":\"file\"}]", null, 3, 3),
            null,
            List.of("file"));
    commitAndJournal(List.of(second, third));

    crash();

    try (Connection c = database.getConnection()) {
      assertEquals(List.of("m1"), messageIds(c), "the crash lost what was not written out");
      assertEquals(1, lastSeq(c));

      SendJournal.Recovered recovered =
          SendJournal.replay(c, journal.entriesBefore(journal.currentNumber()).entries());

      assertEquals(new SendJournal.Recovered(2, 0, 0), recovered);
      assertEquals(List.of("m1", "m2", "m3"), messageIds(c));
      assertEquals(3, lastSeq(c));
      assertEquals("file", queryString(c, "SELECT attachment_id FROM message_attachments"));
      // A resend of t2 is found by its key, as before the crash.
      try (SendRows rows = SendRows.on(c)) {
        SendRows.Earlier earlier =
            rows.byTempId("chat", "alice", "t2", TempKeys.SHA_256.of("chat", "alice", "t2"));
        assertNotNull(earlier.message());
        assertEquals("m2", earlier.message().id());
      }
    }
  }

  @Test
  void aSecondReplayChangesNothing() throws Exception {
    commitAndJournal(List.of(send("m2", 2, "t2", 22L)));
    crash();
    try (Connection c = database.getConnection()) {
      List<byte[]> entries = journal.entriesBefore(journal.currentNumber()).entries();
      SendJournal.replay(c, entries);
      try (Statement s = c.createStatement()) {
        s.execute("UPDATE messages SET content = NULL, deleted_at = 9 WHERE id = 'm2'");
      }

      assertEquals(new SendJournal.Recovered(0, 1, 0), SendJournal.replay(c, entries));
      assertNull(queryString(c, "SELECT content FROM messages WHERE id = 'm2'"), "still deleted");
      assertEquals(2, lastSeq(c));
    }
  }

  @Test
  void aJournaledMessageWhoseSeqIsTakenIsRefusedNotForcedIn() throws Exception {
    try (Connection c = database.getConnection()) {
      SendJournal.Recovered recovered =
          SendJournal.replay(
              c, List.of(JournaledSendTest.entry(List.of(send("other", 1, null, null)))));

      assertEquals(new SendJournal.Recovered(0, 0, 1), recovered);
      assertEquals(List.of("m1"), messageIds(c));
    }
  }

  @Test
  void anAttachmentThatIsGoneIsNotLinked() throws Exception {
    JournaledSend withMissingFile =
        new JournaledSend(
            new Message("m2", "chat", "bob", "f", MessageType.FILE, "[]", null, 2, 2),
            null,
            List.of("gone"));
    try (Connection c = database.getConnection()) {
      SendJournal.replay(c, List.of(JournaledSendTest.entry(List.of(withMissingFile))));

      assertEquals(List.of("m1", "m2"), messageIds(c));
      assertNull(queryString(c, "SELECT attachment_id FROM message_attachments"));
    }
  }

  @Test
  void aReplayThatFailsWritesNothing() throws Exception {
    try (Connection c = database.getConnection()) {
      List<byte[]> entries =
          List.of(JournaledSendTest.entry(List.of(send("m2", 2, null, null))), new byte[] {9});

      assertThrows(IllegalArgumentException.class, () -> SendJournal.replay(c, entries));

      assertEquals(List.of("m1"), messageIds(c));
      assertTrue(c.getAutoCommit(), "the connection is handed back as it came");
    }
  }

  private static JournaledSend send(String id, long seq, String tempId, Long key) {
    return new JournaledSend(
        new Message(id, "chat", "alice", "text " + id, MessageType.TEXT, "[]", tempId, seq, seq),
        key,
        List.of());
  }

  /** Commits the rows as the send path does (no CHECKPOINT), then journals them. */
  private void commitAndJournal(List<JournaledSend> sends) throws Exception {
    try (Connection c = database.getConnection()) {
      c.setAutoCommit(false);
      long head = 0;
      try (SendRows rows = SendRows.on(c);
          PreparedStatement link =
              c.prepareStatement(
                  "INSERT INTO message_attachments (message_id, attachment_id, chat_id)"
                      + " VALUES (?, ?, 'chat')")) {
        for (JournaledSend send : sends) {
          rows.insert(send.message(), send.tempKey());
          rows.flushMessages();
          for (String file : send.attachmentIds()) {
            link.setString(1, send.message().id());
            link.setString(2, file);
            link.executeUpdate();
          }
          head = Math.max(head, send.message().seq());
        }
        rows.setLastSeq("chat", head);
        rows.flush();
      }
      c.commit();
      assertEquals(
          sends.size() + 1, messageIds(c).size(), "committed, and visible before the crash");
    }
    journal.append(JournaledSend.encode(sends));
  }

  /**
   * H2 closes its file without writing anything out, as when the server is killed; then the journal
   * is opened again, as the next start does.
   */
  private void crash() throws Exception {
    try (Statement s = held.createStatement()) {
      s.execute("SHUTDOWN IMMEDIATELY");
    } catch (SQLException closedUnderUs) {
      // H2 may report the connection it just closed.
    }
    held.close();
    journal = Journal.open(dir.resolve("db.journal"));
  }

  private static List<String> messageIds(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT id FROM messages ORDER BY seq")) {
      List<String> ids = new ArrayList<>();
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
      return ids;
    }
  }

  private static long lastSeq(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet row = s.executeQuery("SELECT last_seq FROM chats WHERE id = 'chat'")) {
      row.next();
      return row.getLong(1);
    }
  }

  private static String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet row = s.executeQuery(sql)) {
      return row.next() ? row.getString(1) : null;
    }
  }
}
