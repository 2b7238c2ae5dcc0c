package dev.messenger.chat;

import dev.messenger.config.MessengerConfig;
import dev.messenger.storage.DurableCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;

/**
 * {@link ChatStore} in a JTA transaction per call: a method that returns has committed. A {@code
 * RequestRefused} rolls back (it is a RuntimeException) and reaches the caller unchanged.
 */
@ApplicationScoped
@Transactional
public class Chats {
  private final Clock clock = Clock.systemUTC();

  @PersistenceContext(unitName = "messenger")
  EntityManager em;

  @Inject MessengerConfig config;

  @Inject LocalChatSeqs chatSeqs;

  @DurableCommit
  public ChatStore.ChatView create(String creatorId, String name, List<String> memberIds) {
    return store().create(creatorId, name, memberIds);
  }

  public List<ChatStore.ChatView> listFor(String userId) {
    return store().listFor(userId);
  }

  public ChatStore.ChatView view(String userId, String chatId) {
    return store().view(userId, chatId);
  }

  public boolean isMember(String chatId, String userId) {
    return store().isMember(chatId, userId);
  }

  public void requireMember(String chatId, String userId) {
    store().requireMember(chatId, userId);
  }

  private ChatStore store() {
    return new ChatStore(em, clock, config.maxChatMembers(), chatSeqs.enabled() ? chatSeqs : null);
  }
}
