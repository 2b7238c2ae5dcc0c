package dev.messenger.message;

import dev.messenger.chat.ChatStore;
import dev.messenger.config.MessengerConfig;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.ServerEvent;
import dev.messenger.storage.DurableCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Optional;

/**
 * {@link MessageStore} in a JTA transaction per call: a method that returns has committed, so the
 * gateway may acknowledge and broadcast. A {@code RequestRefused} rolls back (including a seq
 * already taken) and reaches the caller unchanged.
 */
@ApplicationScoped
@Transactional
public class Messages {
  private final Clock clock = Clock.systemUTC();

  @PersistenceContext(unitName = "messenger")
  EntityManager em;

  @Inject MessengerConfig config;

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

  private MessageStore store() {
    return new MessageStore(em, clock, new ChatStore(em, clock, config.maxChatMembers()));
  }
}
