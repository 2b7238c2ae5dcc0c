package dev.messenger.protocol;

import java.util.List;

/**
 * Payloads of outbound events, serialised with JSON-B as the {@code data} of the envelope. IDs are
 * strings, times are ISO-8601 UTC strings, and every persisted chat event carries its per-chat
 * {@code seq}.
 */
public final class ServerEvent {
  private ServerEvent() {}

  public record MessageSent(
      String tempId, String messageId, String chatId, String createdAt, long seq) {}

  public record NewMessage(
      String messageId,
      String chatId,
      String senderId,
      String content,
      MessageType messageType,
      List<Attachment> attachments,
      String createdAt,
      String tempId,
      long seq) {}

  public record MessageEdited(
      String messageId,
      String chatId,
      String senderId,
      String content,
      String editedAt,
      long seq) {}

  public record MessageDeleted(
      String messageId, String chatId, String senderId, String deletedAt, long seq) {}

  public record ReactionAdded(
      String messageId, String chatId, String userId, String emoji, long seq) {}

  public record ReactionRemoved(
      String messageId, String chatId, String userId, String emoji, long seq) {}

  /**
   * Ends a join: sent after any replayed events. {@code lastSeq} is the newest event the client now
   * has (or must load over REST when {@code reloadRequired}); live events after it follow.
   */
  public record JoinedChat(String chatId, long lastSeq, int replayed, boolean reloadRequired) {}

  public record LeftChat(String chatId) {}

  /** The connection now expires at {@code expiresAt} (ISO-8601), the fresh token's expiry. */
  public record TokenRefreshed(String expiresAt) {}

  public record UserTyping(String chatId, String userId, boolean isTyping) {}

  public record Error(String code, String message, String event, String tempId, Long retryAfterMs) {
    public static Error of(ErrorCode code, String message, String event, String tempId) {
      return new Error(code.name(), message, event, tempId, null);
    }
  }
}
