package dev.messenger.message;

import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.protocol.RequestRefused;
import jakarta.persistence.EntityManager;
import java.util.function.Consumer;

/**
 * Where an edit, a delete or a reaction takes its chat's next seq, in the caller's transaction: the
 * chat's row ({@link #onRows}), or its head in memory when this node keeps them ({@link #inMemory},
 * {@link LocalChatSeqs}). One instance per transaction: a chat locked once stays locked until the
 * transaction ends, however many seqs it takes.
 */
interface ChangeSeqs {
  /**
   * The chat's next seq, the chat locked until the transaction ends.
   *
   * @throws RequestRefused NOT_FOUND when there is no such chat
   */
  long next(String chatId);

  /** Gives back the seq {@link #next} took last, unused (the chat stays locked). */
  void giveBack(String chatId);

  /** The chat's last committed seq, for readers. */
  long head(String chatId);

  /**
   * The chat rows: the {@code UPDATE}'s row lock serialises the writers of the chat (until commit),
   * and native SQL on purpose: neither a cache nor the persistence context can hand out a stale
   * value.
   */
  static ChangeSeqs onRows(EntityManager em) {
    return new ChangeSeqs() {
      @Override
      public long next(String chatId) {
        if (advance(chatId, 1) != 1) {
          throw RequestRefused.notFound("chat");
        }
        return head(chatId);
      }

      @Override
      public void giveBack(String chatId) {
        advance(chatId, -1); // safe: the row lock is still held
      }

      private int advance(String chatId, int by) {
        return em.createNativeQuery("UPDATE chats SET last_seq = last_seq + ? WHERE id = ?")
            .setParameter(1, by)
            .setParameter(2, chatId)
            .executeUpdate();
      }

      @Override
      public long head(String chatId) {
        Object value =
            em.createNativeQuery("SELECT last_seq FROM chats WHERE id = ?")
                .setParameter(1, chatId)
                .getSingleResult();
        return ((Number) value).longValue();
      }
    };
  }

  /**
   * The heads in memory, seeded through the transaction's entity manager. {@code
   * endWithTransaction} is called once, when the first chat is locked: it must run what it is given
   * when the transaction ends, with whether it committed, on whatever thread that happens.
   */
  static ChangeSeqs inMemory(
      LocalChatSeqs heads, EntityManager em, Consumer<Consumer<Boolean>> endWithTransaction) {
    LocalChatSeqs.Held held = heads.held(chatId -> LocalChatSeqs.seedFrom(em, chatId));
    return new ChangeSeqs() {
      private boolean registered;

      @Override
      public long next(String chatId) {
        LocalChatSeqs.Lease lease = held.lock(chatId);
        if (lease == null) {
          throw RequestRefused.notFound("chat");
        }
        if (!registered) {
          try {
            endWithTransaction.accept(held::end);
          } catch (RuntimeException | Error e) {
            held.end(false);
            throw e;
          }
          registered = true;
        }
        return lease.take(1);
      }

      @Override
      public void giveBack(String chatId) {
        held.lock(chatId).giveBack(1);
      }

      @Override
      public long head(String chatId) {
        Long committed = held.committed(chatId);
        if (committed == null) {
          throw RequestRefused.notFound("chat");
        }
        return committed;
      }
    };
  }
}
