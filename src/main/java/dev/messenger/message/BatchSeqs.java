package dev.messenger.message;

import dev.messenger.chat.LocalChatSeqs;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;

/**
 * Where one batch of sends takes its chats' seqs: from the chats' rows, which every node shares
 * ({@link #onRows}), or from the heads this node keeps when it alone writes the database ({@link
 * #inMemory}). Either way a chat taken stays locked until the batch's transaction ends ({@link
 * #end}), and chats are taken in id order.
 */
interface BatchSeqs {
  /** The chat's last seq, the chat locked until {@link #end}; null when there is no such chat. */
  Long lock(String chatId);

  /** Records the chat's new last seq, after {@link #lock}. */
  void setLast(String chatId, long last);

  /** {@link #lock} and advancing by {@code count} in one step: the new last seq, or null. */
  Long advance(String chatId, int count);

  /**
   * The batch's transaction has ended: publishes what it took (committed) or gives it back (rolled
   * back; the connection must still be open, to read the chats' seqs back).
   */
  void end(boolean committed);

  /** The chat rows: locked and updated by the batch's own statements, released by its commit. */
  static BatchSeqs onRows(SendRows rows) {
    return new BatchSeqs() {
      @Override
      public Long lock(String chatId) {
        return rows.lockChat(chatId);
      }

      @Override
      public void setLast(String chatId, long last) {
        rows.setLastSeq(chatId, last);
      }

      @Override
      public Long advance(String chatId, int count) {
        return rows.advanceChat(chatId, count);
      }

      @Override
      public void end(boolean committed) {
        // The transaction's end released the rows.
      }
    };
  }

  /** The heads in memory, seeded on first use through the batch's connection. */
  static BatchSeqs inMemory(LocalChatSeqs heads, Connection connection) {
    return new BatchSeqs() {
      private final Map<String, LocalChatSeqs.Lease> leases = new HashMap<>();

      @Override
      public Long lock(String chatId) {
        LocalChatSeqs.Lease lease = leases.get(chatId);
        if (lease == null) {
          lease = heads.lock(chatId, id -> LocalChatSeqs.seedFrom(connection, id));
          if (lease == null) {
            return null;
          }
          leases.put(chatId, lease);
        }
        return lease.last();
      }

      @Override
      public void setLast(String chatId, long last) {
        LocalChatSeqs.Lease lease = leases.get(chatId);
        lease.take(Math.toIntExact(last - lease.last()));
      }

      @Override
      public Long advance(String chatId, int count) {
        return lock(chatId) == null ? null : leases.get(chatId).take(count);
      }

      @Override
      public void end(boolean committed) {
        for (Map.Entry<String, LocalChatSeqs.Lease> entry : leases.entrySet()) {
          LocalChatSeqs.Lease lease = entry.getValue();
          if (committed) {
            lease.end(true);
          } else {
            lease.endRolledBack(seedAfterRollback(entry.getKey()));
          }
        }
        leases.clear();
      }

      /** Null when the connection cannot tell (the reason the batch failed, perhaps). */
      private Long seedAfterRollback(String chatId) {
        try {
          return LocalChatSeqs.seedFrom(connection, chatId);
        } catch (RuntimeException e) {
          return null;
        }
      }
    };
  }
}
