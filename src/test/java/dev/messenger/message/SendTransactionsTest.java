package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.attachment.AttachmentCatalog;
import dev.messenger.attachment.AttachmentRecord;
import dev.messenger.chat.ChatStore;
import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.MessageType;
import dev.messenger.protocol.RequestRefused;
import dev.messenger.storage.OnEachDatabase;
import dev.messenger.storage.TestClock;
import dev.messenger.storage.TestDatabase;
import dev.messenger.storage.TestDatabases;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;

/**
 * The group commit's own JDBC transactions, on each database: what a batch commits, what a failed
 * one leaves (nothing), and the state its connection goes back to the pool in. How each send is
 * decided is MessageStoreTest's, on the same writer.
 */
class SendTransactionsTest {
  private static final TestDatabases DATABASES = new TestDatabases();

  private final List<String> connectionCalls = new ArrayList<>();
  private TestDatabase db;
  private SendTransactions transactions;
  private String alice;
  private String bob;
  private String chatId;
  private TestClock clock;

  @AfterAll
  static void closeDatabases() {
    DATABASES.close();
  }

  private void chatOfAliceAndBob(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    alice = "alice-" + UUID.randomUUID();
    bob = "bob-" + UUID.randomUUID();
    clock = new TestClock(Instant.parse("2025-03-04T05:06:07Z"));
    chatId = db.tx(em -> new ChatStore(em, clock).create(alice, "chat", List.of(bob))).id();
    transactions = TestSends.on(db, clock);
    transactions.database = recording(db.dataSource());
  }

  @OnEachDatabase
  void aBatchCommitsAndItsConnectionGoesBackWithAutoCommitOn(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    List<GroupCommit.Outcome<MessageStore.Sent>> outcomes =
        transactions.sendAllNew(
            List.of(send(alice, "one", "t1", true), send(bob, "two", "t2", true)));

    assertEquals(1L, outcomes.get(0).value().ack().seq());
    assertEquals(2L, outcomes.get(1).value().ack().seq());
    assertEquals(2, db.queryLong("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
    assertEquals(2, db.queryLong("SELECT last_seq FROM chats WHERE id = ?", chatId));
    assertEquals(
        List.of("setAutoCommit(false)", "commit", "setAutoCommit(true)", "close"), calls());
  }

  @OnEachDatabase
  void aBatchTheUniqueIndexRefusesIsRolledBackWhole(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    transactions.sendAllNew(List.of(send(alice, "first", "t1", true)));
    connectionCalls.clear();

    assertThrows(
        SendRows.UniqueKeyTaken.class,
        () ->
            transactions.sendAllNew(
                List.of(send(bob, "new", "t9", true), send(alice, "first again", "t1", true))));

    assertEquals(1, db.queryLong("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
    assertEquals(1, db.queryLong("SELECT last_seq FROM chats WHERE id = ?", chatId));
    assertEquals(
        List.of("setAutoCommit(false)", "rollback", "setAutoCommit(true)", "close"), calls());
    // The send path's second try, with lookups: Bob's is new, Alice's the original.
    List<GroupCommit.Outcome<MessageStore.Sent>> again =
        transactions.sendAll(
            List.of(send(bob, "new", "t9", true), send(alice, "first again", "t1", true)));
    assertFalse(again.get(0).value().duplicate());
    assertTrue(again.get(1).value().duplicate());
  }

  @OnEachDatabase
  void withHeadsInMemoryTheChatRowIsNotWrittenAndARolledBackBatchGivesItsSeqsBack(
      TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    LocalChatSeqs heads = LocalChatSeqs.forTests(true);
    transactions = TestSends.on(db, clock, TempKeys.SHA_256, heads);
    transactions.database = recording(db.dataSource());
    transactions.sendAllNew(List.of(send(alice, "one", "t1", true), send(bob, "two", "t2", true)));
    assertEquals(2L, heads.committed(chatId, id -> null));
    assertEquals(0, db.queryLong("SELECT last_seq FROM chats WHERE id = ?", chatId));

    assertThrows(
        SendRows.UniqueKeyTaken.class,
        () ->
            transactions.sendAllNew(
                List.of(send(bob, "new", "t9", true), send(alice, "one again", "t1", true))));
    assertEquals(2L, heads.committed(chatId, id -> null), "the rolled-back batch took nothing");
    List<GroupCommit.Outcome<MessageStore.Sent>> again =
        transactions.sendAll(
            List.of(send(bob, "new", "t9", true), send(alice, "one again", "t1", true)));
    assertEquals(3L, again.get(0).value().ack().seq(), "gap-free: the seq given back is reused");
    assertTrue(again.get(1).value().duplicate());

    // A node started again seeds the head from the messages stored, not from the row.
    SendTransactions restarted =
        TestSends.on(db, clock, TempKeys.SHA_256, LocalChatSeqs.forTests(true));
    assertEquals(
        4L,
        restarted
            .sendAllNew(List.of(send(alice, "after", "t10", true)))
            .get(0)
            .value()
            .ack()
            .seq());
  }

  @OnEachDatabase
  void membershipAndAttachmentsAreCheckedAndLinkedInTheTransaction(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    AttachmentRecord photo =
        new AttachmentRecord(
            UUID.randomUUID().toString(), alice, "a.png", "image/png", 10, "ab".repeat(32), 1L);
    db.txRun(em -> new AttachmentCatalog(em).add(photo));
    String stranger = "carol-" + UUID.randomUUID();

    List<GroupCommit.Outcome<MessageStore.Sent>> outcomes =
        transactions.sendAll(
            List.of(
                // Not proven by a joined connection: looked up, and a member.
                withFiles(alice, "t1", photo.id(), photo.id()),
                // Someone else's upload.
                withFiles(bob, "t2", photo.id()),
                // Not a member of the chat.
                send(stranger, "hi", "t3", false)));

    MessageStore.Sent sent = outcomes.get(0).value();
    assertEquals(1L, sent.ack().seq());
    assertEquals(2, sent.event().attachments().size());
    assertEquals(
        1,
        db.queryLong(
            "SELECT COUNT(*) FROM message_attachments WHERE message_id = ? AND chat_id = ?",
            sent.ack().messageId(),
            chatId),
        "an upload named twice is linked once");
    assertEquals(List.of(photo.id()), sent.written().attachmentIds(), "journaled as linked");
    assertRefused(outcomes.get(1), "attachments[0]");
    assertRefused(outcomes.get(2), "chat");
    assertEquals(1, db.queryLong("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
  }

  @OnEachDatabase
  void withoutLookupsOnlyTheMessagesStoredTakeSeqsAfterTheChatsLast(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    transactions.sendAllNew(List.of(send(alice, "earlier", "t0", true)));
    String stranger = "carol-" + UUID.randomUUID();
    String nowhere = UUID.randomUUID().toString();

    List<GroupCommit.Outcome<MessageStore.Sent>> outcomes =
        transactions.sendAllNew(
            List.of(
                send(alice, "one", "t1", true),
                // Someone's upload that does not exist: refused, takes no seq.
                withFiles(bob, "t2", UUID.randomUUID().toString()),
                send(stranger, "not a member", "t3", false),
                // The same tempId again in the batch: the first one's message.
                send(alice, "one again", "t1", true),
                send(bob, "two", "t4", true),
                new MessageStore.SendRequest(
                    alice,
                    new ClientEvent.SendMessage(nowhere, "lost", MessageType.TEXT, "t5", List.of()),
                    true)));

    assertEquals(2L, outcomes.get(0).value().ack().seq());
    assertRefused(outcomes.get(1), "attachments[0]");
    assertRefused(outcomes.get(2), "chat");
    assertTrue(outcomes.get(3).value().duplicate());
    assertEquals(
        outcomes.get(0).value().ack().messageId(), outcomes.get(3).value().ack().messageId());
    assertEquals(3L, outcomes.get(4).value().ack().seq());
    assertRefused(outcomes.get(5), "chat");
    assertEquals(3, db.queryLong("SELECT last_seq FROM chats WHERE id = ?", chatId));
    assertEquals(3, db.queryLong("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
    assertEquals(
        3, db.queryLong("SELECT COUNT(*) FROM messages WHERE chat_id = ? AND seq <= 3", chatId));
  }

  private static void assertRefused(GroupCommit.Outcome<MessageStore.Sent> outcome, String what) {
    RequestRefused refused = (RequestRefused) outcome.failure();
    assertEquals(ErrorCode.NOT_FOUND, refused.code());
    assertTrue(refused.getMessage().contains(what), refused.getMessage());
  }

  private MessageStore.SendRequest send(
      String user, String content, String tempId, boolean memberProven) {
    return new MessageStore.SendRequest(
        user,
        new ClientEvent.SendMessage(chatId, content, MessageType.TEXT, tempId, List.of()),
        memberProven);
  }

  private MessageStore.SendRequest withFiles(String user, String tempId, String... ids) {
    return new MessageStore.SendRequest(
        user,
        new ClientEvent.SendMessage(chatId, "look", MessageType.IMAGE, tempId, List.of(ids)),
        false);
  }

  private List<String> calls() {
    return connectionCalls.stream()
        .filter(
            c ->
                c.startsWith("setAutoCommit") || List.of("commit", "rollback", "close").contains(c))
        .toList();
  }

  /** The data source, its connections recording the transaction calls made on them. */
  private DataSource recording(DataSource real) {
    return (DataSource)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(real, method, args);
              if (!method.getName().equals("getConnection")) {
                return result;
              }
              Connection connection = (Connection) result;
              return Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (p, m, a) -> {
                    connectionCalls.add(
                        m.getName().equals("setAutoCommit")
                            ? "setAutoCommit(" + a[0] + ")"
                            : m.getName());
                    return invoke(connection, m, a);
                  });
            });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
