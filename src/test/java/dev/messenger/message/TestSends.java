package dev.messenger.message;

import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.storage.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/** The group commit's transactions on a test database, as the gateway runs them. */
public final class TestSends {
  private TestSends() {}

  public static SendTransactions on(TestDatabase db, Clock clock) {
    return on(db, clock, TempKeys.SHA_256);
  }

  static SendTransactions on(TestDatabase db, Clock clock, TempKeys tempKeys) {
    return on(db, clock, tempKeys, LocalChatSeqs.forTests(false));
  }

  /**
   * With the chats' seqs taken from {@code chatSeqs}: kept in memory when it is enabled (then every
   * other writer of seqs in the test must share it), from the chat rows otherwise.
   */
  static SendTransactions on(
      TestDatabase db, Clock clock, TempKeys tempKeys, LocalChatSeqs chatSeqs) {
    SendTransactions sends = new SendTransactions();
    sends.database = db.dataSource();
    sends.clock = clock;
    sends.tempKeys = tempKeys;
    sends.chatSeqs = chatSeqs;
    return sends;
  }

  /** Drops the unique index on tempId keys, as a node with a resend window does at start. */
  static void dropTempKeyIndex(TestDatabase db) {
    try (Connection c = db.dataSource().getConnection()) {
      TempKeyIndex.drop(c);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One send, not proven a member, in a transaction of its own; its refusal is thrown. */
  public static MessageStore.Sent one(
      SendTransactions sends, String userId, ClientEvent.SendMessage cmd) {
    GroupCommit.Outcome<MessageStore.Sent> outcome =
        sends.sendAll(List.of(new MessageStore.SendRequest(userId, cmd, false))).get(0);
    if (!outcome.ok()) {
      throw outcome.failure();
    }
    return outcome.value();
  }
}
