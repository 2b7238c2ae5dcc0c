package dev.messenger.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.RequestRefused;
import dev.messenger.storage.OnEachDatabase;
import dev.messenger.storage.TestDatabase;
import dev.messenger.storage.TestDatabases;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;

class ChatStoreTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-01-02T03:04:05.678Z"), ZoneOffset.UTC);

  // One database per kind for the whole class; each test uses its own users and chats.
  private static final TestDatabases DATABASES = new TestDatabases();

  private TestDatabase db;

  @AfterAll
  static void closeDatabases() {
    DATABASES.close();
  }

  private <T> T chats(Function<ChatStore, T> work) {
    return db.tx(em -> work.apply(new ChatStore(em, CLOCK, 5)));
  }

  private static String user(String name) {
    return name + "-" + UUID.randomUUID();
  }

  @OnEachDatabase
  void createAddsCreatorAndRemovesDuplicates(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    String alice = user("alice");
    String bob = user("bob");
    ChatStore.ChatView chat = chats(s -> s.create(alice, "  Team  ", List.of(bob, bob, alice)));

    assertEquals("Team", chat.name());
    assertEquals(List.of(alice, bob), chat.memberIds());
    assertEquals("2025-01-02T03:04:05.678Z", chat.createdAt());
    assertEquals(0, chat.lastSeq());
    assertEquals(2, db.queryLong("SELECT COUNT(*) FROM chat_members WHERE chat_id = ?", chat.id()));
  }

  @OnEachDatabase
  void nameIsOptional(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    String alice = user("alice");
    assertNull(chats(s -> s.create(alice, null, List.of())).name());
    assertNull(chats(s -> s.create(alice, "   ", List.of())).name());
  }

  @OnEachDatabase
  void listForReturnsOnlyTheUsersChatsWithMembers(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    String alice = user("alice");
    String bob = user("bob");
    String carol = user("carol");
    ChatStore.ChatView ab = chats(s -> s.create(alice, "ab", List.of(bob)));
    ChatStore.ChatView bc = chats(s -> s.create(bob, "bc", List.of(carol)));

    List<ChatStore.ChatView> forBob = chats(s -> s.listFor(bob));
    assertEquals(2, forBob.size());
    assertTrue(forBob.stream().anyMatch(c -> c.id().equals(ab.id())));
    assertTrue(forBob.stream().anyMatch(c -> c.id().equals(bc.id())));
    assertEquals(
        List.of(alice, bob),
        forBob.stream().filter(c -> c.id().equals(ab.id())).findFirst().orElseThrow().memberIds());

    assertEquals(List.of(ab), chats(s -> s.listFor(alice)));
    assertEquals(List.of(), chats(s -> s.listFor(user("nobody"))));
  }

  @OnEachDatabase
  void viewShowsLastSeqOfAMembersChat(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    String alice = user("alice");
    ChatStore.ChatView chat = chats(s -> s.create(alice, "solo", List.of()));
    db.txRun(
        em ->
            em.createNativeQuery("UPDATE chats SET last_seq = 7 WHERE id = ?")
                .setParameter(1, chat.id())
                .executeUpdate());
    assertEquals(7, chats(s -> s.view(alice, chat.id())).lastSeq());
    assertEquals(7, chats(s -> s.listFor(alice)).get(0).lastSeq());
    assertNotFound(() -> chats(s -> s.view(user("eve"), chat.id())));
  }

  @OnEachDatabase
  void membership(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    String alice = user("alice");
    String bob = user("bob");
    ChatStore.ChatView chat = chats(s -> s.create(alice, null, List.of(bob)));

    assertTrue(member(chat.id(), alice));
    assertTrue(member(chat.id(), bob));
    assertFalse(member(chat.id(), user("eve")));
    assertFalse(member("no-such-chat", alice));
    chats(
        s -> {
          s.requireMember(chat.id(), bob);
          return null;
        });
  }

  @OnEachDatabase
  void outsidersCannotTellAMissingChatFromAForeignOne(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    String alice = user("alice");
    ChatStore.ChatView chat = chats(s -> s.create(alice, null, List.of()));
    RequestRefused foreign = assertNotFound(() -> chats(s -> run(s, chat.id(), user("eve"))));
    RequestRefused missing = assertNotFound(() -> chats(s -> run(s, "no-such-chat", alice)));
    assertEquals(foreign.getMessage(), missing.getMessage());
    assertEquals("chat not found", missing.getMessage());
  }

  /** On embedded H2 the heads are kept in memory: what a member reads is the committed one. */
  @OnEachDatabase
  void withHeadsInMemoryJoinsAndViewsReadTheCommittedHeadNotTheRow(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    String alice = user("alice");
    String bob = user("bob");
    ChatStore.ChatView chat = chats(s -> s.create(alice, null, List.of(bob)));
    LocalChatSeqs seqs = LocalChatSeqs.forTests(true);
    ChatHeads heads = new ChatHeads();
    heads.database = db.dataSource();
    heads.heads = seqs;
    Function<Function<ChatStore, Long>, Long> inMemory =
        read -> db.tx(em -> read.apply(new ChatStore(em, CLOCK, 5, seqs)));

    LocalChatSeqs.Lease lease = seqs.lock(chat.id(), id -> 0L);
    lease.take(3);
    assertEquals(0L, heads.lastSeqForMember(chat.id(), bob), "not before its transaction ends");
    lease.end(true);

    assertEquals(3L, heads.lastSeqForMember(chat.id(), bob));
    assertEquals(3L, inMemory.apply(s -> s.lastSeqForMember(chat.id(), alice)));
    assertEquals(3L, inMemory.apply(s -> s.view(bob, chat.id()).lastSeq()));
    assertEquals(3L, inMemory.apply(s -> s.listFor(alice).get(0).lastSeq()));
    assertEquals(
        0L, (long) chats(s -> s.lastSeqForMember(chat.id(), bob)), "the row is not written");
    assertNotFound(() -> heads.lastSeqForMember(chat.id(), user("eve")));
  }

  /**
   * The last seq for a member, and for anyone else the refusal an outsider gets: through the
   * caller's transaction ({@link ChatStore#lastSeqForMember}) and on a plain connection ({@link
   * ChatHeads}, a join without a position).
   */
  @OnEachDatabase
  void lastSeqIsForMembersOnly(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    String alice = user("alice");
    String bob = user("bob");
    ChatStore.ChatView chat = chats(s -> s.create(alice, null, List.of(bob)));
    ChatHeads heads = new ChatHeads();
    heads.database = db.dataSource();
    heads.heads = LocalChatSeqs.forTests(false);

    assertEquals(0L, (long) chats(s -> s.lastSeqForMember(chat.id(), bob)));
    assertEquals(0L, heads.lastSeqForMember(chat.id(), bob));
    db.txRun(
        em ->
            em.createNativeQuery("UPDATE chats SET last_seq = 7 WHERE id = ?")
                .setParameter(1, chat.id())
                .executeUpdate());
    assertEquals(7L, (long) chats(s -> s.lastSeqForMember(chat.id(), alice)));
    assertEquals(7L, heads.lastSeqForMember(chat.id(), alice));

    String eve = user("eve");
    for (String[] outsider :
        new String[][] {
          {chat.id(), eve}, {"no-such-chat", alice}, {null, alice}, {chat.id(), null}
        }) {
      RequestRefused viaStore =
          assertNotFound(() -> chats(s -> s.lastSeqForMember(outsider[0], outsider[1])));
      RequestRefused viaHeads =
          assertNotFound(() -> heads.lastSeqForMember(outsider[0], outsider[1]));
      assertEquals("chat not found", viaStore.getMessage());
      assertEquals("chat not found", viaHeads.getMessage());
    }
  }

  @OnEachDatabase
  void validation(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    String alice = user("alice");
    assertValidation(() -> chats(s -> s.create(alice, null, null)));
    assertValidation(() -> chats(s -> s.create(alice, "x".repeat(201), List.of())));
    assertValidation(() -> chats(s -> s.create(alice, null, List.of(" "))));
    assertValidation(() -> chats(s -> s.create(alice, null, Collections.singletonList(null))));
    assertValidation(() -> chats(s -> s.create(alice, null, List.of("u".repeat(256)))));
    assertValidation(() -> chats(s -> s.create("", null, List.of())));
    // The store allows 5 members: the creator plus 5 others is one too many.
    assertValidation(() -> chats(s -> s.create(alice, null, List.of("a", "b", "c", "d", "e"))));
    assertValidation(
        () -> chats(s -> s.create(alice, null, List.of("a", "a", "a", "a", "a", "a"))));
    assertEquals(
        5, chats(s -> s.create(alice, null, List.of("a", "b", "c", "d"))).memberIds().size());
    assertEquals(200, chats(s -> s.create(alice, "x".repeat(200), List.of())).name().length());
  }

  private boolean member(String chatId, String userId) {
    return this.<Boolean>chats(s -> s.isMember(chatId, userId));
  }

  private static Void run(ChatStore store, String chatId, String userId) {
    store.requireMember(chatId, userId);
    return null;
  }

  private static RequestRefused assertNotFound(Runnable call) {
    RequestRefused refused = assertThrows(RequestRefused.class, call::run);
    assertEquals(ErrorCode.NOT_FOUND, refused.code());
    return refused;
  }

  private static void assertValidation(Runnable call) {
    assertEquals(ErrorCode.VALIDATION, assertThrows(RequestRefused.class, call::run).code());
  }
}
