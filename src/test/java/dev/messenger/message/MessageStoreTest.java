package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.attachment.AttachmentCatalog;
import dev.messenger.attachment.AttachmentRecord;
import dev.messenger.chat.ChatStore;
import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.protocol.Attachment;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.EventEncoder;
import dev.messenger.protocol.EventName;
import dev.messenger.protocol.MessageType;
import dev.messenger.protocol.RequestRefused;
import dev.messenger.protocol.ServerEvent;
import dev.messenger.storage.OnEachDatabase;
import dev.messenger.storage.TestClock;
import dev.messenger.storage.TestDatabase;
import dev.messenger.storage.TestDatabases;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class MessageStoreTest {
  private static final Instant START = Instant.parse("2025-03-04T05:06:07.000Z");

  // One database per kind for the whole class; each test makes its own users and chat.
  private static final TestDatabases DATABASES = new TestDatabases();

  private final TestClock clock = new TestClock(START);
  private TestDatabase db;
  private SendTransactions sends;
  private LocalChatSeqs chatSeqs;
  private String alice;
  private String bob;
  private String chatId;

  @AfterAll
  static void closeDatabases() {
    DATABASES.close();
  }

  /** Every test starts here: Alice's new chat with Bob on the database of this run. */
  private void chatOfAliceAndBob(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    alice = "alice-" + UUID.randomUUID();
    bob = "bob-" + UUID.randomUUID();
    chatId = db.tx(em -> new ChatStore(em, clock).create(alice, "chat", List.of(bob))).id();
    chatSeqs = chatSeqs();
    sends = sendsWith(TempKeys.SHA_256);
  }

  /** The group commit's transactions as this run sets them up, with tempIds under {@code keys}. */
  private SendTransactions sendsWith(TempKeys keys) {
    SendTransactions transactions = TestSends.on(db, clock, keys, chatSeqs);
    transactions.resendWindow = resendWindow();
    if (transactions.windowed()) {
      TestSends.dropTempKeyIndex(db);
    }
    return transactions;
  }

  /**
   * Zero: resends are found by the unique index. {@link MessageStoreWithResendWindowTest} runs
   * every test again with a window in memory, as a node on embedded H2 does.
   */
  Duration resendWindow() {
    return Duration.ZERO;
  }

  /**
   * Where seqs are taken: the chat rows here; {@link MessageStoreWithHeadsInMemoryTest} runs every
   * test again with the heads kept in memory, as a node on embedded H2 does.
   */
  LocalChatSeqs chatSeqs() {
    return LocalChatSeqs.forTests(false);
  }

  /** The chat's last committed seq, from where this run keeps it. */
  private long lastSeq(String chat) {
    if (!chatSeqs.enabled()) {
      return count("SELECT last_seq FROM chats WHERE id = ?", chat);
    }
    return db.tx(em -> chatSeqs.committed(chat, id -> LocalChatSeqs.seedFrom(em, id)));
  }

  /** A send as the gateway's group commit writes it, alone, its refusal thrown. */
  private MessageStore.Sent sendOne(String user, ClientEvent.SendMessage cmd) {
    return TestSends.one(sends, user, cmd);
  }

  /**
   * {@code work} in a transaction of its own, as {@link Messages} runs it: with heads in memory,
   * each chat's lease ends when the transaction has (published if it committed).
   */
  private <T> T store(Function<MessageStore, T> work) {
    if (!chatSeqs.enabled()) {
      return db.tx(em -> work.apply(new MessageStore(em, clock, new ChatStore(em, clock))));
    }
    List<Consumer<Boolean>> atEnd = new ArrayList<>();
    boolean committed = false;
    try {
      T result =
          db.tx(
              em ->
                  work.apply(
                      new MessageStore(
                          em,
                          clock,
                          new ChatStore(em, clock, ChatStore.DEFAULT_MAX_MEMBERS, chatSeqs),
                          ChangeSeqs.inMemory(chatSeqs, em, atEnd::add))));
      committed = true;
      return result;
    } finally {
      for (Consumer<Boolean> end : atEnd) {
        end.accept(committed);
      }
    }
  }

  private MessageStore.Sent send(String user, String content, String tempId) {
    return sendOne(user, text(chatId, content, tempId));
  }

  private static ClientEvent.SendMessage text(String chatId, String content, String tempId) {
    return new ClientEvent.SendMessage(chatId, content, MessageType.TEXT, tempId, List.of());
  }

  /** An upload's metadata, as the REST upload stores it (the bytes do not matter here). */
  private AttachmentRecord upload(String user, String name, String contentType) {
    AttachmentRecord record =
        new AttachmentRecord(
            UUID.randomUUID().toString(), user, name, contentType, 1234, "ab".repeat(32), 1L);
    db.txRun(em -> new AttachmentCatalog(em).add(record));
    return record;
  }

  private MessageStore.Sent sendWith(
      String user, MessageType type, String tempId, AttachmentRecord... files) {
    List<String> ids = java.util.Arrays.stream(files).map(AttachmentRecord::id).toList();
    return sendOne(user, new ClientEvent.SendMessage(chatId, "look", type, tempId, ids));
  }

  private long count(String sql, Object... args) {
    return db.queryLong(sql, args);
  }

  @OnEachDatabase
  void sendAssignsConsecutiveSeqsAndLogsTheEvent(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    MessageStore.Sent first = send(alice, "one", "t1");
    clock.advanceMillis(1000);
    MessageStore.Sent second = send(bob, "two", "t1");
    MessageStore.Sent third = send(alice, "three", "t2");

    assertEquals(
        List.of(1L, 2L, 3L), List.of(first.ack().seq(), second.ack().seq(), third.ack().seq()));
    assertFalse(first.duplicate());
    assertEquals("t1", first.ack().tempId());
    assertEquals(first.ack().messageId(), first.event().messageId());
    assertEquals("2025-03-04T05:06:07Z", first.ack().createdAt());
    assertEquals("2025-03-04T05:06:08Z", second.event().createdAt());
    assertEquals(alice, first.event().senderId());
    assertEquals("one", first.event().content());
    assertEquals(3, lastSeq(chatId));

    // Written once: the message row is its new_message in the log.
    assertEquals(0, count("SELECT COUNT(*) FROM chat_events WHERE chat_id = ?", chatId));
    JsonObject data = json(payloadAt(1));
    assertEquals(first.ack().messageId(), data.getString("messageId"));
    assertEquals("one", data.getString("content"));
    assertEquals(1, data.getInt("seq"));
  }

  @OnEachDatabase
  void attachmentsAreResolvedToTheirMetadataEverywhere(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    AttachmentRecord png = upload(alice, "a.png", "image/png");
    AttachmentRecord jpeg = upload(alice, "b.jpg", "image/jpeg");
    MessageStore.Sent sent = sendWith(alice, MessageType.IMAGE, "img", jpeg, png);

    List<Attachment> expected =
        List.of(
            new Attachment(
                jpeg.id(), "b.jpg", 1234L, "image/jpeg", "/api/attachments/" + jpeg.id()),
            new Attachment(png.id(), "a.png", 1234L, "image/png", "/api/attachments/" + png.id()));
    assertEquals(expected, sent.event().attachments());
    MessageStore.HistoryMessage stored =
        store(s -> s.history(bob, chatId, null, 10)).messages().get(0);
    assertEquals(expected, stored.attachments());
    assertEquals(MessageType.IMAGE, stored.messageType());
    // Replay sends the logged payload: it must carry the same metadata.
    JsonObject logged = json(payloadAt(1)).getJsonArray("attachments").getJsonObject(0);
    assertEquals(jpeg.id(), logged.getString("id"));
    assertEquals("/api/attachments/" + jpeg.id(), logged.getString("url"));
    assertEquals(1234, logged.getInt("size"));
    assertEquals(
        2,
        count(
            "SELECT COUNT(*) FROM message_attachments WHERE message_id = ? AND chat_id = ?",
            sent.ack().messageId(),
            chatId));
    // A resend answers with the same metadata and links nothing twice.
    assertEquals(
        expected, sendWith(alice, MessageType.IMAGE, "img", jpeg, png).event().attachments());
    assertEquals(2, count("SELECT COUNT(*) FROM message_attachments WHERE chat_id = ?", chatId));
  }

  @OnEachDatabase
  void onlyTheSendersOwnUploadsMayBeSent(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    AttachmentRecord mine = upload(alice, "mine.pdf", "application/pdf");
    AttachmentRecord bobs = upload(bob, "bobs.pdf", "application/pdf");

    assertRefused(
        ErrorCode.NOT_FOUND,
        "attachments[1] not found",
        () -> sendWith(alice, MessageType.FILE, "t1", mine, bobs));
    assertRefused(
        ErrorCode.NOT_FOUND,
        "attachments[0] not found",
        () ->
            sendOne(
                alice,
                new ClientEvent.SendMessage(
                    chatId, "x", MessageType.FILE, "t2", List.of(UUID.randomUUID().toString()))));
    assertEquals(0, count("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
    assertEquals(0, count("SELECT COUNT(*) FROM message_attachments WHERE chat_id = ?", chatId));
    assertEquals(0, lastSeq(chatId));
  }

  @OnEachDatabase
  void imageMessagesTakeOnlyImagesAndAttachmentMessagesNeedOne(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    AttachmentRecord png = upload(alice, "a.png", "image/png");
    AttachmentRecord pdf = upload(alice, "a.pdf", "application/pdf");
    assertRefused(
        ErrorCode.VALIDATION,
        "attachments[1] is not an image; IMAGE messages take only images",
        () -> sendWith(alice, MessageType.IMAGE, "t1", png, pdf));
    assertRefused(
        ErrorCode.VALIDATION,
        "attachments must not be empty for messageType FILE",
        () -> sendWith(alice, MessageType.FILE, "t2"));
    // FILE and TEXT take any type.
    assertEquals(2, sendWith(alice, MessageType.FILE, "t3", png, pdf).event().attachments().size());
    assertEquals(1, sendWith(alice, MessageType.TEXT, "t4", pdf).event().attachments().size());
  }

  @OnEachDatabase
  void oneUploadMayBeSentInSeveralMessagesAndChats(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    AttachmentRecord png = upload(alice, "a.png", "image/png");
    String first = sendWith(alice, MessageType.IMAGE, "t1", png).ack().messageId();
    String second = sendWith(alice, MessageType.IMAGE, "t2", png).ack().messageId();
    String otherChat =
        db.tx(em -> new ChatStore(em, clock).create(alice, "other", List.of("carol"))).id();
    sendOne(
        alice,
        new ClientEvent.SendMessage(otherChat, "", MessageType.IMAGE, "t3", List.of(png.id())));
    assertNotEquals(first, second);
    assertEquals(
        3, count("SELECT COUNT(*) FROM message_attachments WHERE attachment_id = ?", png.id()));
    assertEquals(
        2,
        count(
            "SELECT COUNT(DISTINCT chat_id) FROM message_attachments WHERE attachment_id = ?",
            png.id()));
  }

  @Test
  void attachmentsStoredBeforeUploadsExistedStillRead() {
    assertEquals(
        List.of(
            new Attachment(null, "a.png", 1234L, "image/png", "https://files.example/a.png"),
            new Attachment(null, "b", null, null, "https://files.example/b")),
        MessageStore.decodeAttachments(
            "[{\"contentType\":\"image/png\",\"name\":\"a.png\",\"size\":1234,"
                + "\"url\":\"https://files.example/a.png\"},"
                + "{\"name\":\"b\",\"url\":\"https://files.example/b\"}]"));
  }

  @OnEachDatabase
  void resendWithTheSameTempIdReturnsTheOriginalAndWritesNothing(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    MessageStore.Sent original = send(alice, "hello", "temp-1");
    clock.advanceMillis(5000);
    MessageStore.Sent again = send(alice, "hello", "temp-1");

    assertTrue(again.duplicate());
    assertEquals(original.ack(), again.ack());
    assertEquals(original.event(), again.event());
    assertEquals(1, count("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
    assertEquals(1, lastSeq(chatId));
    // The same tempId from another sender is a different message.
    assertFalse(send(bob, "hello", "temp-1").duplicate());
  }

  @OnEachDatabase
  void aBatchStoresEachChatsMessagesInOrderWithOneOutcomePerItem(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    String carol = "carol-" + UUID.randomUUID();
    String otherChat =
        db.tx(em -> new ChatStore(em, clock).create(carol, "other", List.of(alice))).id();
    send(alice, "before", "t0"); // seq 1 of the first chat

    List<MessageStore.SendRequest> batch =
        List.of(
            new MessageStore.SendRequest(alice, text(chatId, "a1", "ta1"), false),
            new MessageStore.SendRequest(carol, text(otherChat, "c1", "tc1"), false),
            new MessageStore.SendRequest(bob, text(chatId, "b1", "tb1"), false),
            // Carol is no member of the first chat: refused alone, nothing written for her.
            new MessageStore.SendRequest(carol, text(chatId, "intruder", "tx"), false),
            // A resend of Alice's first send in the same batch: the same message, stored once.
            new MessageStore.SendRequest(alice, text(chatId, "a1", "ta1"), false),
            // A resend of a message committed before the batch.
            new MessageStore.SendRequest(alice, text(chatId, "before", "t0"), false),
            new MessageStore.SendRequest(alice, text(otherChat, "a2", "ta2"), false));
    List<GroupCommit.Outcome<MessageStore.Sent>> outcomes = sends.sendAll(batch);

    assertEquals(batch.size(), outcomes.size());
    assertEquals(2L, outcomes.get(0).value().ack().seq());
    assertEquals(3L, outcomes.get(2).value().ack().seq());
    assertEquals(1L, outcomes.get(1).value().ack().seq());
    assertEquals(2L, outcomes.get(6).value().ack().seq());
    RequestRefused refused = (RequestRefused) outcomes.get(3).failure();
    assertEquals(ErrorCode.NOT_FOUND, refused.code());
    MessageStore.Sent resent = outcomes.get(4).value();
    assertTrue(resent.duplicate());
    assertEquals(outcomes.get(0).value().ack().messageId(), resent.ack().messageId());
    assertTrue(outcomes.get(5).value().duplicate());
    assertEquals(1L, outcomes.get(5).value().ack().seq());

    assertEquals(3, lastSeq(chatId));
    assertEquals(2, lastSeq(otherChat));
    assertEquals(3, count("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
    assertEquals(
        0,
        count("SELECT COUNT(*) FROM messages WHERE sender_id = ? AND chat_id = ?", carol, chatId));
    // Replay sends what the broadcast frame carried.
    MessageStore.Sent b1 = outcomes.get(2).value();
    assertEquals(EventEncoder.data(b1.event()), payloadAt(3));
    assertEquals("b1", json(payloadAt(3)).getString("content"));
  }

  /** In a resend window, a batch "without lookups" looks its tempIds up in memory all the same. */
  @OnEachDatabase
  void withoutLookupsAStoredTempIdIsRefusedByTheUniqueIndexAndTheBatchKeepsNothing(
      TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    send(alice, "before", "t0");
    List<MessageStore.SendRequest> batch =
        List.of(
            new MessageStore.SendRequest(bob, text(chatId, "b1", "tb1"), true),
            new MessageStore.SendRequest(alice, text(chatId, "before", "t0"), true));

    if (sends.windowed()) {
      List<GroupCommit.Outcome<MessageStore.Sent>> outcomes = sends.sendAllNew(batch);
      assertFalse(outcomes.get(0).value().duplicate());
      assertTrue(outcomes.get(1).value().duplicate());
      assertEquals(1L, outcomes.get(1).value().ack().seq());
      assertEquals(2, count("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
      return;
    }
    assertThrows(SendRows.UniqueKeyTaken.class, () -> sends.sendAllNew(batch));

    assertEquals(1, count("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
    assertEquals(1, lastSeq(chatId));
    // Written again with lookups, as the send path does next: Bob's is new, Alice's the original.
    List<GroupCommit.Outcome<MessageStore.Sent>> outcomes = sends.sendAll(batch);
    assertFalse(outcomes.get(0).value().duplicate());
    assertTrue(outcomes.get(1).value().duplicate());
    assertEquals(1L, outcomes.get(1).value().ack().seq());
  }

  /**
   * Every tempId under one key, the worst case of a key collision: the first message holds the key,
   * the others are stored without one, and each still comes back for its own resend only.
   */
  @OnEachDatabase
  void tempIdsWhoseKeysCollideAreStillEachTheirOwnMessage(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    TempKeys oneKey = (chat, sender, tempId) -> 42L;
    Function<List<MessageStore.SendRequest>, List<GroupCommit.Outcome<MessageStore.Sent>>> send =
        sendsWith(oneKey)::sendAll;
    MessageStore.Sent first =
        send.apply(List.of(new MessageStore.SendRequest(alice, text(chatId, "one", "t1"), true)))
            .get(0)
            .value();
    // In one batch: two more tempIds under the same key, and a resend of each of the three.
    List<GroupCommit.Outcome<MessageStore.Sent>> outcomes =
        send.apply(
            List.of(
                new MessageStore.SendRequest(alice, text(chatId, "two", "t2"), true),
                new MessageStore.SendRequest(bob, text(chatId, "three", "t1"), true),
                new MessageStore.SendRequest(alice, text(chatId, "one", "t1"), true),
                new MessageStore.SendRequest(alice, text(chatId, "two", "t2"), true)));
    MessageStore.Sent two = outcomes.get(0).value();
    MessageStore.Sent three = outcomes.get(1).value();
    assertFalse(two.duplicate());
    assertFalse(three.duplicate(), "Bob's t1 is not Alice's");
    assertEquals(first.ack().messageId(), outcomes.get(2).value().ack().messageId());
    assertTrue(outcomes.get(2).value().duplicate());
    assertEquals(two.ack().messageId(), outcomes.get(3).value().ack().messageId());
    assertTrue(outcomes.get(3).value().duplicate());
    // Resent later, each alone: found among the messages stored without a key.
    for (MessageStore.Sent stored : List.of(two, three)) {
      String sender = stored == two ? alice : bob;
      MessageStore.Sent again =
          send.apply(
                  List.of(
                      new MessageStore.SendRequest(
                          sender,
                          text(chatId, stored.event().content(), stored.ack().tempId()),
                          true)))
              .get(0)
              .value();
      assertTrue(again.duplicate(), stored.ack()::toString);
      assertEquals(stored.ack().messageId(), again.ack().messageId());
    }
    assertEquals(3, count("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
    // Under a unique index the first holds the key; in a window (no index) each keeps it.
    assertEquals(
        sends.windowed() ? 3 : 1,
        count("SELECT COUNT(*) FROM messages WHERE chat_id = ? AND temp_key = 42", chatId));
    // With the real keys, nothing in this chat collides.
    assertFalse(send(bob, "four", "t4").duplicate());
    assertTrue(send(bob, "four", "t4").duplicate());
  }

  /**
   * New tempIds of one batch under one key, in two chats. Without lookups nothing stored holds the
   * key yet, so only the batch itself can tell: the first takes it, the others go without (else the
   * unique index would refuse the whole batch). With lookups, against the stored holder.
   */
  @OnEachDatabase
  void newTempIdsOfOneBatchUnderOneKeyAreAllStored(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    String otherChat =
        db.tx(em -> new ChatStore(em, clock).create(bob, "other", List.of(alice))).id();
    long key = UUID.randomUUID().getMostSignificantBits(); // held by no other test's message
    TempKeys oneKey = (chat, sender, tempId) -> key;
    for (boolean lookUp : new boolean[] {false, true}) {
      String round = lookUp ? "l" : "n";
      List<MessageStore.SendRequest> batch =
          List.of(
              new MessageStore.SendRequest(alice, text(chatId, "a", round + "1"), true),
              new MessageStore.SendRequest(bob, text(chatId, "b", round + "2"), true),
              new MessageStore.SendRequest(alice, text(otherChat, "c", round + "3"), true));
      SendTransactions withOneKey = sendsWith(oneKey);
      List<GroupCommit.Outcome<MessageStore.Sent>> outcomes =
          lookUp ? withOneKey.sendAll(batch) : withOneKey.sendAllNew(batch);
      outcomes.forEach(o -> assertFalse(o.value().duplicate(), round));
    }
    assertEquals(
        6,
        count("SELECT COUNT(*) FROM messages WHERE chat_id = ? OR chat_id = ?", chatId, otherChat));
    assertEquals(
        sends.windowed() ? 6 : 1, count("SELECT COUNT(*) FROM messages WHERE temp_key = ?", key));
  }

  @OnEachDatabase
  void withoutLookupsATempIdRepeatedWithinTheBatchIsStillOneMessage(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    List<GroupCommit.Outcome<MessageStore.Sent>> outcomes =
        sends.sendAllNew(
            List.of(
                new MessageStore.SendRequest(alice, text(chatId, "a1", "ta1"), true),
                new MessageStore.SendRequest(bob, text(chatId, "b1", "ta1"), true),
                new MessageStore.SendRequest(alice, text(chatId, "a1", "ta1"), true)));

    assertFalse(outcomes.get(0).value().duplicate());
    assertFalse(outcomes.get(1).value().duplicate(), "the same tempId from another sender");
    assertTrue(outcomes.get(2).value().duplicate());
    assertEquals(
        outcomes.get(0).value().ack().messageId(), outcomes.get(2).value().ack().messageId());
    assertEquals(2, count("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
  }

  @OnEachDatabase
  void aProvenMemberIsNotCheckedAgainButAnUnprovenOneIs(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    String stranger = "stranger-" + UUID.randomUUID();
    // The gateway proves membership when a connection joins; the store takes its word for it.
    List<GroupCommit.Outcome<MessageStore.Sent>> outcomes =
        sends.sendAll(
            List.of(
                new MessageStore.SendRequest(bob, text(chatId, "hi", "t1"), true),
                new MessageStore.SendRequest(stranger, text(chatId, "hi", "t2"), false)));
    assertTrue(outcomes.get(0).ok());
    assertEquals(ErrorCode.NOT_FOUND, ((RequestRefused) outcomes.get(1).failure()).code());
  }

  @OnEachDatabase
  void aBatchForAChatThatDoesNotExistIsRefusedItemByItem(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    List<GroupCommit.Outcome<MessageStore.Sent>> outcomes =
        sends.sendAll(
            List.of(
                new MessageStore.SendRequest(alice, text("no-such-chat", "x", "t1"), true),
                new MessageStore.SendRequest(alice, text(chatId, "y", "t2"), false)));
    assertEquals(ErrorCode.NOT_FOUND, ((RequestRefused) outcomes.get(0).failure()).code());
    assertEquals(1L, outcomes.get(1).value().ack().seq());
  }

  @OnEachDatabase
  void onlyMembersSend(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    assertRefused(ErrorCode.NOT_FOUND, "chat not found", () -> send("eve", "hi", "t"));
    assertRefused(
        ErrorCode.NOT_FOUND,
        "chat not found",
        () -> sendOne(alice, text("no-such-chat", "hi", "t")));
  }

  @OnEachDatabase
  void editByAuthor(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    MessageStore.Sent sent = send(alice, "draft", "t");
    clock.advanceMillis(60_000);
    ServerEvent.MessageEdited edited =
        store(s -> s.edit(alice, new ClientEvent.EditMessage(sent.ack().messageId(), "final")));

    assertEquals(2, edited.seq());
    assertEquals("final", edited.content());
    assertEquals(alice, edited.senderId());
    assertEquals("2025-03-04T05:07:07Z", edited.editedAt());
    MessageStore.HistoryMessage stored =
        store(s -> s.history(bob, chatId, null, 10)).messages().get(0);
    assertEquals("final", stored.content());
    assertEquals("2025-03-04T05:07:07Z", stored.editedAt());
    assertEquals(1, stored.seq());
    assertEquals(
        1,
        count(
            "SELECT COUNT(*) FROM chat_events WHERE chat_id = ? AND seq = 2 AND type = ?",
            chatId,
            EventName.MESSAGE_EDITED));
  }

  @OnEachDatabase
  void editRefusals(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    String id = send(alice, "mine", "t").ack().messageId();
    assertRefused(
        ErrorCode.FORBIDDEN,
        "only the author can edit a message",
        () -> store(s -> s.edit(bob, new ClientEvent.EditMessage(id, "yours"))));
    assertRefused(
        ErrorCode.NOT_FOUND,
        "message not found",
        () -> store(s -> s.edit("eve", new ClientEvent.EditMessage(id, "x"))));
    assertRefused(
        ErrorCode.NOT_FOUND,
        "message not found",
        () -> store(s -> s.edit(alice, new ClientEvent.EditMessage("no-such-message", "x"))));
    // Refusals roll back: no seq was consumed.
    assertEquals(1, lastSeq(chatId));

    store(s -> s.delete(alice, new ClientEvent.DeleteMessage(id)));
    assertRefused(
        ErrorCode.NOT_FOUND,
        "message was deleted",
        () -> store(s -> s.edit(alice, new ClientEvent.EditMessage(id, "back"))));
  }

  @OnEachDatabase
  void deleteScrubsEarlierEventsAndCannotBeRepeated(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    List<String> files = List.of(upload(alice, "x.pdf", "application/pdf").id());
    String id =
        sendOne(alice, new ClientEvent.SendMessage(chatId, "secret", MessageType.FILE, "t", files))
            .ack()
            .messageId();
    store(s -> s.edit(alice, new ClientEvent.EditMessage(id, "still secret")));
    String other = send(bob, "unrelated", "t").ack().messageId();

    assertRefused(
        ErrorCode.FORBIDDEN,
        "only the author can delete a message",
        () -> store(s -> s.delete(bob, new ClientEvent.DeleteMessage(id))));
    clock.advanceMillis(10);
    ServerEvent.MessageDeleted deleted =
        store(s -> s.delete(alice, new ClientEvent.DeleteMessage(id)));
    assertEquals(4, deleted.seq());
    assertEquals("2025-03-04T05:06:07.010Z", deleted.deletedAt());

    JsonObject created = json(payloadAt(1));
    assertEquals("", created.getString("content"));
    assertEquals(0, created.getJsonArray("attachments").size());
    assertEquals(id, created.getString("messageId"));
    assertEquals("", json(payloadAt(2)).getString("content"));
    assertEquals("unrelated", json(payloadAt(3)).getString("content"));
    assertEquals(id, json(payloadAt(4)).getString("messageId"));
    assertEquals(
        0, count("SELECT COUNT(*) FROM messages WHERE id = ? AND content IS NOT NULL", id));
    assertEquals(
        0, count("SELECT COUNT(*) FROM messages WHERE id = ? AND attachments IS NOT NULL", id));
    // Chat members lose access to the files of a deleted message.
    assertEquals(0, count("SELECT COUNT(*) FROM message_attachments WHERE message_id = ?", id));

    assertRefused(
        ErrorCode.NOT_FOUND,
        "message was deleted",
        () -> store(s -> s.delete(alice, new ClientEvent.DeleteMessage(id))));
    assertEquals(4, lastSeq(chatId));

    MessageStore.HistoryMessage stored =
        store(s -> s.history(bob, chatId, null, 10)).messages().get(1);
    assertEquals(id, stored.messageId());
    assertTrue(stored.deleted());
    assertNull(stored.content());
    assertEquals(List.of(), stored.attachments());
    assertEquals(other, store(s -> s.history(bob, chatId, null, 10)).messages().get(0).messageId());

    // A late resend of the deleted message must not bring its text back either.
    MessageStore.Sent resend =
        sendOne(alice, new ClientEvent.SendMessage(chatId, "secret", MessageType.FILE, "t", files));
    assertTrue(resend.duplicate());
    assertEquals("", resend.event().content());
    assertEquals(List.of(), resend.event().attachments());
  }

  @OnEachDatabase
  void reactionsAddDuplicateAndRemove(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    String id = send(alice, "react to me", "t").ack().messageId();
    Optional<ServerEvent.ReactionAdded> added =
        store(s -> s.addReaction(bob, new ClientEvent.AddReaction(id, "👍")));
    assertTrue(added.isPresent());
    assertEquals(new ServerEvent.ReactionAdded(id, chatId, bob, "👍", 2), added.get());

    assertTrue(store(s -> s.addReaction(bob, new ClientEvent.AddReaction(id, "👍"))).isEmpty());
    assertEquals(2, lastSeq(chatId));

    assertEquals(
        3,
        store(s -> s.addReaction(alice, new ClientEvent.AddReaction(id, "👍")))
            .orElseThrow()
            .seq());
    assertEquals(
        4,
        store(s -> s.addReaction(bob, new ClientEvent.AddReaction(id, "🎉"))).orElseThrow().seq());

    Optional<ServerEvent.ReactionRemoved> removed =
        store(s -> s.removeReaction(bob, new ClientEvent.RemoveReaction(id, "👍")));
    assertEquals(new ServerEvent.ReactionRemoved(id, chatId, bob, "👍", 5), removed.orElseThrow());
    assertTrue(
        store(s -> s.removeReaction(bob, new ClientEvent.RemoveReaction(id, "👍"))).isEmpty());
    assertEquals(5, lastSeq(chatId));
    assertEquals(2, count("SELECT COUNT(*) FROM reactions WHERE message_id = ?", id));

    assertRefused(
        ErrorCode.NOT_FOUND,
        "message not found",
        () -> store(s -> s.addReaction("eve", new ClientEvent.AddReaction(id, "👍"))));
    store(s -> s.delete(alice, new ClientEvent.DeleteMessage(id)));
    assertRefused(
        ErrorCode.NOT_FOUND,
        "message was deleted",
        () -> store(s -> s.addReaction(bob, new ClientEvent.AddReaction(id, "😮"))));
    assertRefused(
        ErrorCode.NOT_FOUND,
        "message was deleted",
        () -> store(s -> s.removeReaction(bob, new ClientEvent.RemoveReaction(id, "🎉"))));
  }

  @OnEachDatabase
  void replayByLastSeqAndByLastMessageId(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    String m1 = send(alice, "one", "t1").ack().messageId();
    String m2 = send(bob, "two", "t2").ack().messageId();
    store(s -> s.edit(alice, new ClientEvent.EditMessage(m1, "one!")));
    store(s -> s.addReaction(alice, new ClientEvent.AddReaction(m2, "❤")));
    store(s -> s.removeReaction(alice, new ClientEvent.RemoveReaction(m2, "❤")));
    store(s -> s.delete(bob, new ClientEvent.DeleteMessage(m2)));

    MessageStore.Replay all = store(s -> s.replay(bob, chatId, 0L, null, 100));
    assertFalse(all.reloadRequired());
    assertEquals(6, all.headSeq());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), all.events().stream().map(e -> e.seq()).toList());
    assertEquals(
        List.of(
            EventName.NEW_MESSAGE,
            EventName.NEW_MESSAGE,
            EventName.MESSAGE_EDITED,
            EventName.REACTION_ADDED,
            EventName.REACTION_REMOVED,
            EventName.MESSAGE_DELETED),
        all.events().stream().map(e -> e.type()).toList());
    // A replayed new_message shows the message as it is now: the edit's text already.
    assertEquals("one!", json(all.events().get(0).dataJson()).getString("content"));
    assertEquals("", json(all.events().get(1).dataJson()).getString("content"));
    assertEquals("one!", json(all.events().get(2).dataJson()).getString("content"));

    MessageStore.Replay afterSeq = store(s -> s.replay(bob, chatId, 4L, null, 100));
    assertEquals(List.of(5L, 6L), afterSeq.events().stream().map(e -> e.seq()).toList());

    MessageStore.Replay afterMessage = store(s -> s.replay(bob, chatId, null, m2, 100));
    assertEquals(
        List.of(3L, 4L, 5L, 6L), afterMessage.events().stream().map(e -> e.seq()).toList());

    MessageStore.Replay upToDate = store(s -> s.replay(bob, chatId, 6L, null, 100));
    assertEquals(List.of(), upToDate.events());
    assertFalse(upToDate.reloadRequired());

    MessageStore.Replay none = store(s -> s.replay(bob, chatId, null, null, 100));
    assertEquals(new MessageStore.Replay(List.of(), 6, false), none);
  }

  @OnEachDatabase
  void replayIsBoundedAndRejectsAClaimBeyondTheHead(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    for (int i = 0; i < 5; i++) {
      send(alice, "m" + i, "t" + i);
    }
    assertEquals(
        new MessageStore.Replay(List.of(), 5, true),
        store(s -> s.replay(bob, chatId, 0L, null, 4)));
    assertEquals(4, store(s -> s.replay(bob, chatId, 1L, null, 4)).events().size());
    assertEquals(
        new MessageStore.Replay(List.of(), 5, true),
        store(s -> s.replay(bob, chatId, 9L, null, 4)));
  }

  @OnEachDatabase
  void replayRefusals(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    String id = send(alice, "x", "t").ack().messageId();
    assertRefused(
        ErrorCode.NOT_FOUND,
        "chat not found",
        () -> store(s -> s.replay("eve", chatId, 0L, null, 10)));
    String otherChat = db.tx(em -> new ChatStore(em, clock).create(bob, null, List.of())).id();
    assertRefused(
        ErrorCode.NOT_FOUND,
        "message not found",
        () -> store(s -> s.replay(bob, otherChat, null, id, 10)));
    assertRefused(
        ErrorCode.NOT_FOUND,
        "message not found",
        () -> store(s -> s.replay(bob, chatId, null, "no-such-message", 10)));
  }

  @OnEachDatabase
  void historyPagesNewestFirstWithReactions(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      ids.add(send(i % 2 == 0 ? bob : alice, "m" + i, "t" + i).ack().messageId());
      clock.advanceMillis(1);
    }
    store(s -> s.addReaction(bob, new ClientEvent.AddReaction(ids.get(4), "👍")));
    clock.advanceMillis(1);
    store(s -> s.addReaction(alice, new ClientEvent.AddReaction(ids.get(4), "👍")));
    store(s -> s.addReaction(alice, new ClientEvent.AddReaction(ids.get(4), "🎉")));
    store(s -> s.addReaction(alice, new ClientEvent.AddReaction(ids.get(1), "😮")));

    MessageStore.HistoryPage first = store(s -> s.history(alice, chatId, null, 2));
    assertEquals(chatId, first.chatId());
    assertEquals(9, first.lastSeq());
    assertEquals(List.of(ids.get(4), ids.get(3)), messageIds(first));
    assertEquals(ids.get(3), first.nextBefore());
    MessageStore.HistoryMessage newest = first.messages().get(0);
    assertEquals(5, newest.seq());
    assertEquals("m5", newest.content());
    assertEquals(alice, newest.senderId());
    assertFalse(newest.deleted());
    assertNull(newest.editedAt());
    assertEquals(
        List.of(
            new MessageStore.ReactionSummary("👍", 2, List.of(bob, alice)),
            new MessageStore.ReactionSummary("🎉", 1, List.of(alice))),
        newest.reactions());
    assertEquals(List.of(), first.messages().get(1).reactions());

    MessageStore.HistoryPage second = store(s -> s.history(alice, chatId, first.nextBefore(), 2));
    assertEquals(List.of(ids.get(2), ids.get(1)), messageIds(second));
    assertEquals(
        List.of(new MessageStore.ReactionSummary("😮", 1, List.of(alice))),
        second.messages().get(1).reactions());

    MessageStore.HistoryPage last = store(s -> s.history(alice, chatId, second.nextBefore(), 2));
    assertEquals(List.of(ids.get(0)), messageIds(last));
    assertNull(last.nextBefore());

    MessageStore.HistoryPage exact = store(s -> s.history(alice, chatId, null, 5));
    assertEquals(5, exact.messages().size());
    assertNull(exact.nextBefore());

    assertRefused(
        ErrorCode.NOT_FOUND, "chat not found", () -> store(s -> s.history("eve", chatId, null, 2)));
    assertRefused(
        ErrorCode.NOT_FOUND,
        "message not found",
        () -> store(s -> s.history(alice, chatId, "no-such-message", 2)));
    assertRefused(
        ErrorCode.VALIDATION,
        "limit must be at least 1",
        () -> store(s -> s.history(alice, chatId, null, 0)));
  }

  @OnEachDatabase
  void emptyHistory(TestDatabase.Kind kind) {
    chatOfAliceAndBob(kind);
    MessageStore.HistoryPage page = store(s -> s.history(alice, chatId, null, 50));
    assertEquals(new MessageStore.HistoryPage(chatId, 0, List.of(), null), page);
  }

  @OnEachDatabase
  void concurrentSendsToOneChatGetUniqueGapFreeSeqs(TestDatabase.Kind kind) throws Exception {
    chatOfAliceAndBob(kind);
    int threads = 6;
    int perThread = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<List<Long>>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String sender = t % 2 == 0 ? alice : bob;
        String prefix = "w" + t + "-";
        writers.add(
            () -> {
              List<Long> seqs = new ArrayList<>();
              for (int i = 0; i < perThread; i++) {
                seqs.add(send(sender, prefix + i, prefix + i).ack().seq());
              }
              return seqs;
            });
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> result : pool.invokeAll(writers, 2, TimeUnit.MINUTES)) {
        all.addAll(result.get());
      }
      int total = threads * perThread;
      assertEquals(total, all.size());
      assertEquals(
          java.util.stream.LongStream.rangeClosed(1, total).boxed().toList(),
          all.stream().sorted().toList());
      assertEquals(total, lastSeq(chatId));
      assertEquals(
          total, count("SELECT COUNT(DISTINCT seq) FROM messages WHERE chat_id = ?", chatId));
      assertEquals(total, count("SELECT MAX(seq) FROM messages WHERE chat_id = ?", chatId));
    } finally {
      pool.shutdownNow();
    }
  }

  @OnEachDatabase
  void concurrentSendsEditsAndReactionsInOneChatShareOneGapFreeSeq(TestDatabase.Kind kind)
      throws Exception {
    chatOfAliceAndBob(kind);
    String target = send(alice, "edited many times", "t0").ack().messageId();
    int rounds = 12;
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      List<Callable<List<Long>>> writers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        String sender = t % 2 == 0 ? alice : bob;
        String prefix = "s" + t + "-";
        writers.add(
            () -> {
              List<Long> seqs = new ArrayList<>();
              for (int i = 0; i < rounds; i++) {
                seqs.add(send(sender, prefix + i, prefix + i).ack().seq());
              }
              return seqs;
            });
      }
      writers.add(
          () -> {
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
              String content = "edit " + i;
              seqs.add(
                  store(s -> s.edit(alice, new ClientEvent.EditMessage(target, content))).seq());
            }
            return seqs;
          });
      writers.add(
          () -> {
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
              seqs.add(
                  store(s -> s.addReaction(bob, new ClientEvent.AddReaction(target, "👍")))
                      .orElseThrow()
                      .seq());
              seqs.add(
                  store(s -> s.removeReaction(bob, new ClientEvent.RemoveReaction(target, "👍")))
                      .orElseThrow()
                      .seq());
            }
            return seqs;
          });
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> result : pool.invokeAll(writers, 2, TimeUnit.MINUTES)) {
        all.addAll(result.get());
      }
      int total = 1 + all.size();
      assertEquals(
          java.util.stream.LongStream.rangeClosed(2, total).boxed().toList(),
          all.stream().sorted().toList(),
          "every change its own seq, none skipped");
      assertEquals(total, lastSeq(chatId));
      assertEquals(
          1 + 3 * rounds,
          count("SELECT COUNT(DISTINCT seq) FROM messages WHERE chat_id = ?", chatId));
      assertEquals(3 * rounds, count("SELECT COUNT(*) FROM chat_events WHERE chat_id = ?", chatId));
    } finally {
      pool.shutdownNow();
    }
  }

  @OnEachDatabase
  void concurrentResendsOfOneTempIdStoreOneMessage(TestDatabase.Kind kind) throws Exception {
    chatOfAliceAndBob(kind);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<MessageStore.Sent>> resends = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        resends.add(() -> send(alice, "once", "same-temp"));
      }
      List<MessageStore.Sent> results = new ArrayList<>();
      for (Future<MessageStore.Sent> result : pool.invokeAll(resends, 1, TimeUnit.MINUTES)) {
        results.add(result.get());
      }
      assertEquals(1, results.stream().filter(r -> !r.duplicate()).count());
      assertEquals(1, results.stream().map(r -> r.ack().messageId()).distinct().count());
      assertEquals(1, lastSeq(chatId));
      assertEquals(1, count("SELECT COUNT(*) FROM messages WHERE chat_id = ?", chatId));
    } finally {
      pool.shutdownNow();
    }
  }

  /** The data of the event at this seq, as replay sends it. */
  private String payloadAt(long seq) {
    MessageStore.StoredEvent event =
        store(s -> s.replay(alice, chatId, seq - 1, null, 1000)).events().get(0);
    assertEquals(seq, event.seq());
    return event.dataJson();
  }

  private static List<String> messageIds(MessageStore.HistoryPage page) {
    return page.messages().stream().map(MessageStore.HistoryMessage::messageId).toList();
  }

  private static JsonObject json(String text) {
    try (var reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }

  private static void assertRefused(ErrorCode code, String message, Runnable call) {
    RequestRefused refused = assertThrows(RequestRefused.class, call::run);
    assertEquals(code, refused.code());
    assertEquals(message, refused.getMessage());
    assertNotEquals(null, refused.getMessage());
  }
}
