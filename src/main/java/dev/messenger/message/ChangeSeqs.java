package dev.messenger.message;

import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.protocol.RequestRefused;
import jakarta.persistence.EntityManager;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where an edit, a delete or a reaction takes its chat's next seq when this node keeps the chats'
 * heads in memory ({@link LocalChatSeqs}); without one, {@link MessageStore} takes it from the
 * chat's row. One instance per transaction: a chat locked once stays locked until the transaction
 * ends, however many seqs it takes.
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
   * Seeded through the transaction's entity manager; {@code endWithTransaction} must end each lease
   * when the transaction ends (committed or not), on whatever thread that happens.
   */
  static ChangeSeqs inMemory(
      LocalChatSeqs heads, EntityManager em, Consumer<LocalChatSeqs.Lease> endWithTransaction) {
    LocalChatSeqs.Seed seed = chatId -> LocalChatSeqs.seedFrom(em, chatId);
    return new ChangeSeqs() {
      private final Map<String, LocalChatSeqs.Lease> leases = new HashMap<>();

      @Override
      public long next(String chatId) {
        LocalChatSeqs.Lease lease = leases.get(chatId);
        if (lease == null) {
          lease = heads.lock(chatId, seed);
          if (lease == null) {
            throw RequestRefused.notFound("chat");
          }
          try {
            endWithTransaction.accept(lease);
          } catch (RuntimeException | Error e) {
            lease.end(false);
            throw e;
          }
          leases.put(chatId, lease);
        }
        return lease.take(1);
      }

      @Override
      public void giveBack(String chatId) {
        leases.get(chatId).giveBack(1);
      }

      @Override
      public long head(String chatId) {
        Long committed = heads.committed(chatId, seed);
        if (committed == null) {
          throw RequestRefused.notFound("chat");
        }
        return committed;
      }
    };
  }
}
