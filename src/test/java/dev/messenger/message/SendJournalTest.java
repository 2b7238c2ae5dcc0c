package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.config.MessengerConfig;
import dev.messenger.metrics.GatewayMetrics;
import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.MessageType;
import dev.messenger.protocol.RequestRefused;
import dev.messenger.protocol.ServerEvent;
import dev.messenger.storage.Journal;
import dev.messenger.storage.SchemaMigrated;
import dev.messenger.storage.SchemaMigrator;
import dev.messenger.storage.StoreCheckpoint;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the send path journals, when it writes the store out instead, and when it turns files. */
class SendJournalTest {
  @TempDir Path dir;

  private final List<String> checkpoints = new ArrayList<>();
  private final List<Runnable> tasks = new ArrayList<>();
  private boolean journalOn = true;
  private boolean failCheckpoints;
  private Duration period = Duration.ofHours(1);
  private Connection held;
  private SendJournal sendJournal;
  private final LocalChatSeqs chatSeqs = new LocalChatSeqs();

  @AfterEach
  void close() throws Exception {
    if (sendJournal != null) {
      sendJournal.close();
    }
    if (held != null) {
      held.close();
    }
  }

  @Test
  void onAnH2FileABatchIsJournaledNotWrittenOut() throws Exception {
    SendJournal journal = started("jdbc:h2:" + dir.resolve("db"));
    checkpoints.clear();

    journal.committed(List.of(sent("m1", 1), duplicate(), refused(), sent("m2", 2)));

    assertEquals(List.of(), checkpoints, "no store written out per commit");
    List<byte[]> entries = journaled();
    assertEquals(1, entries.size());
    assertEquals(
        List.of("m1", "m2"),
        JournaledSend.decode(entries.get(0)).stream().map(s -> s.message().id()).toList(),
        "only what the batch wrote");
  }

  @Test
  void aBatchThatWroteNothingAppendsNothing() throws Exception {
    SendJournal journal = started("jdbc:h2:" + dir.resolve("db"));

    journal.committed(List.of(duplicate(), refused()));

    assertEquals(List.of(), journaled());
  }

  @Test
  void onceThePeriodIsUpTheStoreIsWrittenOutAndFilesClosedAtTheWriteOutBeforeDeleted()
      throws Exception {
    period = Duration.ZERO;
    SendJournal journal = started("jdbc:h2:" + dir.resolve("db"));
    checkpoints.clear();

    journal.committed(List.of(sent("m1", 1)));

    assertEquals(List.of(), checkpoints, "not on the writer's thread");
    assertEquals(1, tasks.size());
    tasks.remove(0).run();
    assertEquals(List.of("checkpoint"), checkpoints);
    // H2 may still be writing what its CHECKPOINT found taken already: m1's file stays a period.
    assertEquals(List.of("m1"), journaledIds());

    journal.committed(List.of(sent("m2", 2)));
    tasks.remove(0).run();
    assertEquals(List.of("checkpoint", "checkpoint"), checkpoints);
    assertEquals(List.of("m2"), journaledIds(), "m1's file gone at the next write-out");
  }

  @Test
  void aWriteOutThatFailsDeletesNothing() throws Exception {
    period = Duration.ZERO;
    SendJournal journal = started("jdbc:h2:" + dir.resolve("db"));
    journal.committed(List.of(sent("m1", 1)));
    tasks.remove(0).run();
    failCheckpoints = true;

    journal.committed(List.of(sent("m2", 2)));
    tasks.remove(0).run();

    assertEquals(List.of("m1", "m2"), journaledIds());
  }

  @Test
  void aBatchCommittedWhileTheApplicationStopsIsWrittenOut() throws Exception {
    SendJournal journal = started("jdbc:h2:" + dir.resolve("db"));
    journal.close();
    checkpoints.clear();

    journal.committed(List.of(sent("m1", 1)));

    assertEquals(List.of("checkpoint"), checkpoints);
  }

  @Test
  void sendsWaitUntilTheReplayHasSucceeded() throws Exception {
    Path blocked = dir.resolve("db.journal");
    Files.writeString(blocked, "a file where the journal's directory should be");
    SendJournal journal = new SendJournal();

    assertFalse(journal.settled(), "not before the start-up step");
    assertThrows(RuntimeException.class, () -> started("jdbc:h2:" + dir.resolve("db")));
    assertFalse(sendJournal.settled(), "nor after a start-up step that failed");

    RequestRefused starting =
        assertThrows(RequestRefused.class, () -> chatSeqs.lock("chat", id -> 0L));
    assertEquals(ErrorCode.OVERLOADED, starting.code(), "no head is seeded before the replay");

    Files.delete(blocked);
    sendJournal.open(new SchemaMigrated()); // the retry
    assertTrue(sendJournal.settled());
    chatSeqs.lock("chat", id -> 0L).end(false); // the heads are open
  }

  @Test
  void inMemoryH2HasNoJournalAndWritesOutPerCommit() throws Exception {
    SendJournal journal = started("jdbc:h2:mem:sendjournal;DB_CLOSE_DELAY=-1");
    assertTrue(journal.settled());
    checkpoints.clear();

    journal.committed(List.of(sent("m1", 1)));

    assertEquals(List.of("checkpoint"), checkpoints);
  }

  @Test
  void switchedOffItWritesOutPerCommitAndLeavesNoFiles() throws Exception {
    journalOn = false;
    SendJournal journal = started("jdbc:h2:" + dir.resolve("db"));
    assertTrue(journal.settled());
    checkpoints.clear();

    journal.committed(List.of(sent("m1", 1)));

    assertEquals(List.of("checkpoint"), checkpoints);
    assertEquals(false, Files.exists(dir.resolve("db.journal")));
  }

  @Test
  void whatTheLastRunLeftIsReplayedAtStart() throws Exception {
    String url = "jdbc:h2:" + dir.resolve("db");
    migrate(url);
    try (Connection c = held;
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO chats (id, name, created_by, created_at, last_seq)"
              + " VALUES ('chat', 'c', 'alice', 0, 0)");
    }
    held = null;
    Journal left = Journal.open(dir.resolve("db.journal"));
    left.append(JournaledSend.encode(List.of(sent("m1", 1).value().written())));
    left.close();

    started(url);

    JdbcDataSource database = dataSource(url);
    try (Connection c = database.getConnection();
        Statement s = c.createStatement();
        var row = s.executeQuery("SELECT COUNT(*) FROM messages WHERE id = 'm1'")) {
      row.next();
      assertEquals(1, row.getInt(1));
    }
    assertEquals(List.of("checkpoint"), checkpoints, "written out after the replay");
    assertEquals(List.of("m1"), journaledIds(), "replayed, the file kept until the next write-out");

    period = Duration.ZERO;
    sendJournal.committed(List.of(sent("m2", 2)));
    tasks.remove(0).run();
    assertEquals(List.of("m2"), journaledIds());
  }

  private SendJournal started(String url) throws Exception {
    if (held == null) {
      migrate(url);
    }
    SendJournal journal = new SendJournal();
    journal.dataSource = dataSource(url);
    journal.chatSeqs = chatSeqs;
    journal.checkpoint =
        new StoreCheckpoint() {
          @Override
          public void afterCommit() {
            if (failCheckpoints) {
              throw new IllegalStateException("CHECKPOINT failed");
            }
            checkpoints.add("checkpoint");
          }
        };
    journal.config =
        new MessengerConfig() {
          @Override
          public boolean sendJournal() {
            return journalOn;
          }

          @Override
          public Duration sendJournalCheckpoint() {
            return period;
          }
        };
    journal.metrics =
        new GatewayMetrics() {
          @Override
          public void gauge(String name, String description, Supplier<Number> value) {}
        };
    journal.executor =
        (ManagedExecutorService)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ManagedExecutorService.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("execute")) {
                    tasks.add((Runnable) args[0]);
                    return null;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    sendJournal = journal;
    journal.open(new SchemaMigrated());
    return journal;
  }

  private void migrate(String url) throws Exception {
    JdbcDataSource database = dataSource(url);
    // Held open like the server's pool, so the database stays open between connections.
    held = database.getConnection();
    new SchemaMigrator(database).migrate();
  }

  private static JdbcDataSource dataSource(String url) {
    JdbcDataSource database = new JdbcDataSource();
    database.setURL(url);
    database.setUser("sa");
    database.setPassword("");
    return database;
  }

  /** Every entry in the journal's files, read as the next start would. */
  private List<byte[]> journaled() throws Exception {
    return Journal.readAll(dir.resolve("db.journal")).entries();
  }

  /** The ids of the journaled messages, in append order. */
  private List<String> journaledIds() throws Exception {
    List<String> ids = new ArrayList<>();
    for (byte[] entry : journaled()) {
      JournaledSend.decode(entry).forEach(send -> ids.add(send.message().id()));
    }
    return ids;
  }

  private static GroupCommit.Outcome<MessageStore.Sent> sent(String id, long seq) {
    Message m = new Message(id, "chat", "alice", "hi", MessageType.TEXT, "[]", null, seq, seq);
    return GroupCommit.Outcome.of(
        new MessageStore.Sent(null, null, false, new JournaledSend(m, null, List.of())));
  }

  private static GroupCommit.Outcome<MessageStore.Sent> duplicate() {
    return GroupCommit.Outcome.of(
        new MessageStore.Sent((ServerEvent.MessageSent) null, null, true, null));
  }

  private static GroupCommit.Outcome<MessageStore.Sent> refused() {
    return GroupCommit.Outcome.failed(new IllegalStateException("refused"));
  }
}
