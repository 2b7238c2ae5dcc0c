package dev.messenger.message;

import dev.messenger.chat.ChatStore;
import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.config.MessengerConfig;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.ServerEvent;
import dev.messenger.storage.DurableCommit;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link MessageStore} in a JTA transaction per call: a method that returns has committed, so the
 * gateway may acknowledge and broadcast. A {@code RequestRefused} rolls back (including a seq
 * already taken: from the chat's row, or from its head in memory, given back when the transaction
 * ends) and reaches the caller unchanged.
 */
@ApplicationScoped
@Transactional
public class Messages {
  private final Clock clock = Clock.systemUTC();

  @PersistenceContext(unitName = "messenger")
  EntityManager em;

  @Inject MessengerConfig config;

  @Inject LocalChatSeqs chatSeqs;

  @Resource TransactionSynchronizationRegistry transactions;

  @DurableCommit
  public ServerEvent.MessageEdited edit(String userId, ClientEvent.EditMessage cmd) {
    return store().edit(userId, cmd);
  }

  @DurableCommit
  public ServerEvent.MessageDeleted delete(String userId, ClientEvent.DeleteMessage cmd) {
    return store().delete(userId, cmd);
  }

  @DurableCommit
  public Optional<ServerEvent.ReactionAdded> addReaction(
      String userId, ClientEvent.AddReaction cmd) {
    return store().addReaction(userId, cmd);
  }

  @DurableCommit
  public Optional<ServerEvent.ReactionRemoved> removeReaction(
      String userId, ClientEvent.RemoveReaction cmd) {
    return store().removeReaction(userId, cmd);
  }

  public MessageStore.Replay replay(
      String userId, String chatId, Long lastSeq, String lastMessageId, int maxEvents) {
    return store().replay(userId, chatId, lastSeq, lastMessageId, maxEvents);
  }

  public MessageStore.HistoryPage history(
      String userId, String chatId, String beforeMessageId, int limit) {
    return store().history(userId, chatId, beforeMessageId, limit);
  }

  /** One per call, so per transaction: its seqs' leases live as long as the transaction. */
  private MessageStore store() {
    if (!chatSeqs.enabled()) {
      return new MessageStore(em, clock, new ChatStore(em, clock, config.maxChatMembers()));
    }
    return new MessageStore(
        em,
        clock,
        new ChatStore(em, clock, config.maxChatMembers(), chatSeqs),
        ChangeSeqs.inMemory(chatSeqs, em, this::endWithTransaction));
  }

  /**
   * The chats stay locked until the transaction ends: their seqs are published if it committed,
   * given back if not (the container calls this after the commit or rollback, whatever ended it).
   */
  private void endWithTransaction(Consumer<Boolean> end) {
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {
            // Nothing: the seqs count only once the outcome is known.
          }

          @Override
          public void afterCompletion(int status) {
            end.accept(status == Status.STATUS_COMMITTED);
          }
        });
  }
}
