package dev.messenger.attachment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.chat.ChatStore;
import dev.messenger.message.MessageStore;
import dev.messenger.message.TestSends;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.MessageType;
import dev.messenger.storage.OnEachDatabase;
import dev.messenger.storage.TestClock;
import dev.messenger.storage.TestDatabase;
import dev.messenger.storage.TestDatabases;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;

class AttachmentCatalogTest {
  private static final TestDatabases DATABASES = new TestDatabases();

  private final TestClock clock = new TestClock(Instant.parse("2025-03-04T05:06:07Z"));
  private TestDatabase db;
  private String alice;
  private String bob;
  private String eve;
  private String chatId;

  @AfterAll
  static void closeDatabases() {
    DATABASES.close();
  }

  private void setUp(TestDatabase.Kind kind) {
    db = DATABASES.get(kind);
    alice = "alice-" + UUID.randomUUID();
    bob = "bob-" + UUID.randomUUID();
    eve = "eve-" + UUID.randomUUID();
    chatId = db.tx(em -> new ChatStore(em, clock).create(alice, "chat", List.of(bob))).id();
  }

  private <T> T catalog(Function<AttachmentCatalog, T> work) {
    return db.tx(em -> work.apply(new AttachmentCatalog(em)));
  }

  private AttachmentRecord upload(String user, long createdAt) {
    AttachmentRecord a =
        new AttachmentRecord(
            UUID.randomUUID().toString(),
            user,
            "a.pdf",
            "application/pdf",
            10,
            "00".repeat(32),
            createdAt);
    db.txRun(em -> new AttachmentCatalog(em).add(a));
    return a;
  }

  private String send(AttachmentRecord a) {
    return TestSends.one(
            TestSends.on(db, clock),
            alice,
            new ClientEvent.SendMessage(
                chatId, "", MessageType.FILE, UUID.randomUUID().toString(), List.of(a.id())))
        .ack()
        .messageId();
  }

  private Optional<String> readable(String user, String id) {
    return catalog(c -> c.readableBy(user, id)).map(AttachmentRecord::id);
  }

  @OnEachDatabase
  void uploaderAlwaysReadsMembersOnlyOnceSentOthersNever(TestDatabase.Kind kind) {
    setUp(kind);
    AttachmentRecord a = upload(alice, clock.millis());
    assertEquals(Optional.of(a.id()), readable(alice, a.id()));
    assertEquals(Optional.empty(), readable(bob, a.id()));

    String messageId = send(a);
    assertEquals(Optional.of(a.id()), readable(bob, a.id()));
    assertEquals(Optional.empty(), readable(eve, a.id()));
    assertEquals(Optional.empty(), readable(alice, UUID.randomUUID().toString()));
    assertEquals(Optional.empty(), readable(alice, null));

    db.txRun(
        em ->
            new MessageStore(em, clock, new ChatStore(em, clock))
                .delete(alice, new ClientEvent.DeleteMessage(messageId)));
    assertEquals(Optional.empty(), readable(bob, a.id()));
    assertEquals(Optional.of(a.id()), readable(alice, a.id()));
  }

  @OnEachDatabase
  void orphansAreOldUploadsInNoMessage(TestDatabase.Kind kind) {
    setUp(kind);
    long now = clock.millis();
    AttachmentRecord oldUnsent = upload(alice, now - 10_000);
    AttachmentRecord oldSent = upload(alice, now - 10_000);
    AttachmentRecord fresh = upload(alice, now);
    send(oldSent);

    List<String> removed = catalog(c -> c.removeOrphans(now - 5_000, 1000));
    assertTrue(removed.contains(oldUnsent.id()), removed::toString);
    assertTrue(!removed.contains(oldSent.id()) && !removed.contains(fresh.id()), removed::toString);
    assertEquals(0, db.queryLong("SELECT COUNT(*) FROM attachments WHERE id = ?", oldUnsent.id()));
    assertEquals(
        2,
        db.queryLong(
            "SELECT COUNT(*) FROM attachments WHERE id IN (?, ?)", oldSent.id(), fresh.id()));
    assertEquals(
        List.of(),
        catalog(c -> c.removeOrphans(now - 5_000, 1000)).stream()
            .filter(id -> id.equals(oldSent.id()) || id.equals(fresh.id()))
            .toList());
  }

  @OnEachDatabase
  void orphanSweepIsBatched(TestDatabase.Kind kind) {
    setUp(kind);
    for (int i = 0; i < 3; i++) {
      upload(eve, 1);
    }
    assertEquals(2, catalog(c -> c.removeOrphans(2, 2)).size());
  }
}
