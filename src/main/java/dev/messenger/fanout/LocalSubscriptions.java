package dev.messenger.fanout;

import dev.messenger.HotPathSingleton;
import dev.messenger.connection.Connection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which connections of this node are joined to which chat. Delivery only enqueues on each
 * connection, so one slow peer never delays the others.
 */
@HotPathSingleton
public class LocalSubscriptions {
  private final Map<String, Set<Connection>> byChat = new ConcurrentHashMap<>();

  public void add(String chatId, Connection connection) {
    byChat.compute(
        chatId,
        (id, set) -> {
          Set<Connection> members = set != null ? set : ConcurrentHashMap.newKeySet();
          members.add(connection);
          return members;
        });
  }

  public void remove(String chatId, Connection connection) {
    byChat.computeIfPresent(
        chatId,
        (id, set) -> {
          set.remove(connection);
          return set.isEmpty() ? null : set;
        });
  }

  public void removeAll(Connection connection) {
    for (String chatId : connection.chatIds()) {
      remove(chatId, connection);
    }
  }

  public void deliver(ChatFrame frame) {
    Set<Connection> members = byChat.get(frame.chatId());
    if (members == null) {
      return;
    }
    for (Connection c : members) {
      if (Objects.equals(c.id(), frame.skipConnectionId())
          || Objects.equals(c.userId(), frame.skipUserId())) {
        continue;
      }
      c.deliver(frame.chatId(), frame.seq(), frame.frame());
    }
  }

  /** Chats with at least one joined connection on this node. */
  public int rooms() {
    return byChat.size();
  }
}
