package dev.messenger.message;

import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.chat.RecentTempKeys;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;

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

  /**
   * The chat's resend window, after {@link #lock}: its messages of the last few minutes by tempId
   * key, expired up to now. Null where the database's unique index on the keys finds resends.
   */
  RecentTempKeys recent(String chatId);

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
      public RecentTempKeys recent(String chatId) {
        return null;
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

  /**
   * The heads in memory, seeded on first use through the batch's connection; with each chat's
   * messages of the last {@code resendWindow} beside its head (none when zero), loaded through
   * {@code rows} on the chat's first send since start.
   */
  static BatchSeqs inMemory(
      LocalChatSeqs heads,
      Connection connection,
      SendRows rows,
      Duration resendWindow,
      Clock clock) {
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
      public RecentTempKeys recent(String chatId) {
        if (resendWindow.isZero()) {
          return null;
        }
        LocalChatSeqs.Lease lease = held.lock(chatId);
        long since = clock.millis() - resendWindow.toMillis();
        RecentTempKeys recent =
            lease.recent(() -> rows.recentTempKeys(chatId, lease.last(), since));
        recent.expire(since);
        return recent;
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
