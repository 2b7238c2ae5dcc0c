package dev.messenger.message;

import dev.messenger.chat.LocalChatSeqs;
import java.sql.Connection;

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
    LocalChatSeqs.Held held = heads.held(chatId -> LocalChatSeqs.seedFrom(connection, chatId));
    return new BatchSeqs() {
      @Override
      public Long lock(String chatId) {
        LocalChatSeqs.Lease lease = held.lock(chatId);
        return lease == null ? null : lease.last();
      }

      @Override
      public void setLast(String chatId, long last) {
        LocalChatSeqs.Lease lease = held.lock(chatId);
        lease.take(Math.toIntExact(last - lease.last()));
      }

      @Override
      public Long advance(String chatId, int count) {
        LocalChatSeqs.Lease lease = held.lock(chatId);
        return lease == null ? null : lease.take(count);
      }

      @Override
      public void end(boolean committed) {
        if (committed) {
          held.end(true);
        } else {
          held.endRolledBack();
        }
      }
    };
  }
}
