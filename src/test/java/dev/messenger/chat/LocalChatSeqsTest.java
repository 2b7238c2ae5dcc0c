package dev.messenger.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.RequestRefused;
import dev.messenger.storage.OnEachDatabase;
import dev.messenger.storage.TestClock;
import dev.messenger.storage.TestDatabase;
import dev.messenger.storage.TestDatabases;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class LocalChatSeqsTest {
  private static final TestDatabases DATABASES = new TestDatabases();

  private final Map<String, Long> stored = Map.of("chat", 5L);
  private final AtomicInteger seedReads = new AtomicInteger();
  private final LocalChatSeqs.Seed seed =
      chatId -> {
        seedReads.incrementAndGet();
        return stored.get(chatId);
      };

  @AfterAll
  static void closeDatabases() {
    DATABASES.close();
  }

  @Test
  void theSweepEmptiesQuietChatsWindowsAndSkipsAChatAWriterHolds() {
    LocalChatSeqs seqs = LocalChatSeqs.forTests(true);
    Map<String, Long> chats = Map.of("quiet", 0L, "busy", 0L);
    LocalChatSeqs.Seed fromChats = chats::get;
    for (String chat : chats.keySet()) {
      LocalChatSeqs.Lease lease = seqs.lock(chat, fromChats);
      RecentTempKeys recent = lease.recent(RecentTempKeys::new);
      recent.add(1, lease.take(1), 100);
      recent.add(2, lease.take(1), 200);
      lease.end(true);
    }
    LocalChatSeqs.Lease held = seqs.lock("busy", fromChats);

    assertEquals(1, seqs.expireRecent(150), "the quiet chat's second message is left");
    assertEquals(1, seqs.recentMessages(), "the chat a writer holds is not counted");
    held.end(true);
    assertEquals(2, seqs.expireRecent(150), "each chat's second message");
    assertEquals(2, seqs.recentMessages());
    assertEquals(0, seqs.expireRecent(1000));
    assertEquals(0, seqs.recentMessages());

    // Emptied, a window is not read from the database again: it is known to hold nothing.
    LocalChatSeqs.Lease again = seqs.lock("quiet", fromChats);
    RecentTempKeys after =
        again.recent(
            () -> {
              throw new AssertionError("loaded twice");
            });
    assertEquals(0, after.size());
    again.end(true);
  }

  @Test
  void seqsTakenAreInvisibleToReadersUntilTheirTransactionCommits() {
    LocalChatSeqs seqs = LocalChatSeqs.forTests(true);
    LocalChatSeqs.Lease lease = seqs.lock("chat", seed);

    assertEquals(5, lease.last());
    assertEquals(6, lease.take(1));
    assertEquals(8, lease.take(2));
    assertEquals(5L, seqs.committed("chat", seed), "a replay bounded by 8 could miss 6-8");
    lease.end(true);
    assertEquals(8L, seqs.committed("chat", seed));
    assertEquals(1, seedReads.get(), "seeded once, then kept");
  }

  @Test
  void aRolledBackTransactionGivesItsSeqsBackSoTheLogStaysGapFree() {
    LocalChatSeqs seqs = LocalChatSeqs.forTests(true);
    LocalChatSeqs.Lease failed = seqs.lock("chat", seed);
    failed.take(3);
    failed.end(false);

    LocalChatSeqs.Lease next = seqs.lock("chat", seed);
    assertEquals(6, next.take(1));
    next.giveBack(1);
    assertEquals(5, next.last());
    assertThrows(IllegalStateException.class, () -> next.giveBack(1));
    next.end(true);
    next.end(false); // only the first end counts
    assertEquals(5L, seqs.committed("chat", seed));
  }

  @Test
  void aRollbackTakesTheDatabasesWordForTheHeadWhenItHasOne() {
    LocalChatSeqs seqs = LocalChatSeqs.forTests(true);
    LocalChatSeqs.Lease doubtful = seqs.lock("chat", seed);
    doubtful.take(2);
    // The commit was reported failed, yet the database has both seqs.
    doubtful.endRolledBack(7L);
    assertEquals(7L, seqs.committed("chat", seed));

    LocalChatSeqs.Lease unknown = seqs.lock("chat", seed);
    unknown.take(1);
    unknown.endRolledBack(null); // the connection could not tell: the seqs are given back
    unknown.end(true); // only the first end counts
    assertEquals(7L, seqs.committed("chat", seed));
    assertEquals(8, seqs.lock("chat", seed).take(1));
  }

  @Test
  void aSecondWriterWaitsUntilTheFirstTransactionEndsAndContinuesAfterIt() throws Exception {
    LocalChatSeqs seqs = LocalChatSeqs.forTests(true);
    LocalChatSeqs.Lease first = seqs.lock("chat", seed);
    first.take(2);
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Long> second =
        CompletableFuture.supplyAsync(
            () -> {
              started.countDown();
              LocalChatSeqs.Lease lease = seqs.lock("chat", seed);
              long seq = lease.take(1);
              lease.end(true);
              return seq;
            });
    assertTrue(started.await(5, TimeUnit.SECONDS));
    Thread.sleep(100);
    assertFalse(second.isDone(), "the chat is locked until the first transaction ends");

    first.end(true); // on this thread: a transaction may end on another than the one it began on
    assertEquals(8L, second.get(5, TimeUnit.SECONDS));
    assertEquals(8L, seqs.committed("chat", seed));
  }

  @Test
  void aChatHeldPastTheTimeoutFailsTheWaiterWithoutTakingAnything() {
    LocalChatSeqs seqs = LocalChatSeqs.forTests(true);
    seqs.lockTimeoutMillis = 50;
    LocalChatSeqs.Lease holder = seqs.lock("chat", seed);

    PersistenceException e =
        assertThrows(PersistenceException.class, () -> seqs.lock("chat", seed));
    assertTrue(e.getMessage().contains("stayed locked"), e.getMessage());
    holder.end(true);
    assertEquals(5, seqs.lock("chat", seed).last());
  }

  @Test
  void noSuchChatHasNoHead() {
    LocalChatSeqs seqs = LocalChatSeqs.forTests(true);
    assertNull(seqs.lock("nowhere", seed));
    assertNull(seqs.committed("nowhere", seed));
  }

  @Test
  void untilOpenedLocksAreRefusedAndReadersGetTheDatabasesValue() {
    LocalChatSeqs seqs = new LocalChatSeqs();

    RequestRefused refused = assertThrows(RequestRefused.class, () -> seqs.lock("chat", seed));
    assertEquals(ErrorCode.OVERLOADED, refused.code());
    assertEquals(5L, seqs.committed("chat", seed));
    assertEquals(5L, seqs.committed("chat", seed));
    assertEquals(2, seedReads.get(), "nothing is kept before the journal's replay");

    seqs.open();
    LocalChatSeqs.Lease lease = seqs.lock("chat", seed);
    assertEquals(6, lease.take(1));
    lease.end(true);
    assertEquals(6L, seqs.committed("chat", seed));
  }

  @Test
  void onlyAnEmbeddedH2DatabaseIsThisNodesAlone() {
    assertTrue(LocalChatSeqs.embeddedH2("jdbc:h2:/var/lib/messenger/data"));
    assertTrue(LocalChatSeqs.embeddedH2("jdbc:h2:file:./data/messenger;WRITE_DELAY=3000"));
    assertTrue(LocalChatSeqs.embeddedH2("jdbc:h2:mem:test"));
    assertFalse(LocalChatSeqs.embeddedH2("jdbc:h2:tcp://db:9092/messenger"));
    assertFalse(LocalChatSeqs.embeddedH2("jdbc:h2:ssl://db:9092/messenger"));
    assertFalse(LocalChatSeqs.embeddedH2("jdbc:postgresql://127.0.0.1:5432/test"));
    assertFalse(LocalChatSeqs.embeddedH2(null));
  }

  @OnEachDatabase
  void aHeadIsSeededFromTheGreatestSeqTheDatabaseHolds(TestDatabase.Kind kind) throws Exception {
    TestDatabase db = DATABASES.get(kind);
    TestClock clock = new TestClock(Instant.parse("2025-03-04T05:06:07Z"));
    String alice = "alice-" + UUID.randomUUID();
    String chatId = db.tx(em -> new ChatStore(em, clock).create(alice, "c", List.of())).id();

    try (Connection connection = db.dataSource().getConnection()) {
      assertEquals(0L, LocalChatSeqs.seedFrom(connection, chatId));
      assertNull(LocalChatSeqs.seedFrom(connection, "no-such-chat"));
      // A row behind the stored messages (a node that kept its heads in memory and stopped).
      try (var insert =
          connection.prepareStatement(
              "INSERT INTO messages (id, chat_id, sender_id, content, message_type, created_at,"
                  + " seq) VALUES (?, ?, ?, 'x', 'TEXT', 0, ?)")) {
        insert.setString(1, UUID.randomUUID().toString());
        insert.setString(2, chatId);
        insert.setString(3, alice);
        insert.setLong(4, 4);
        insert.executeUpdate();
      }
      assertEquals(4L, LocalChatSeqs.seedFrom(connection, chatId));
      try (var insert =
          connection.prepareStatement(
              "INSERT INTO chat_events (chat_id, seq, type, payload, created_at)"
                  + " VALUES (?, 7, 'message_edited', '{}', 0)")) {
        insert.setString(1, chatId);
        insert.executeUpdate();
      }
      assertEquals(7L, LocalChatSeqs.seedFrom(connection, chatId));
    }
    assertEquals(Long.valueOf(7), db.<Long>tx(em -> LocalChatSeqs.seedFrom(em, chatId)));
    assertNull(db.tx(em -> LocalChatSeqs.seedFrom(em, "no-such-chat")));
  }
}
