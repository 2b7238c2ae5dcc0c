package dev.messenger.fanout;

/**
 * An encoded event for every connection joined to a chat, except the skipped ones. {@code seq} is
 * the event's per-chat sequence number, 0 for ephemeral events (typing). Plain data so a cluster
 * bus can ship it between nodes as it is.
 */
public record ChatFrame(
    String chatId, long seq, String frame, String skipConnectionId, String skipUserId) {

  public static ChatFrame toAll(String chatId, long seq, String frame) {
    return new ChatFrame(chatId, seq, frame, null, null);
  }

  public static ChatFrame exceptConnection(
      String chatId, long seq, String frame, String connectionId) {
    return new ChatFrame(chatId, seq, frame, connectionId, null);
  }

  public static ChatFrame exceptUser(String chatId, String frame, String userId) {
    return new ChatFrame(chatId, 0, frame, null, userId);
  }
}
