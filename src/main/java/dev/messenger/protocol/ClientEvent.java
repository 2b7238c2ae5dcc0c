package dev.messenger.protocol;

import java.util.List;

/**
 * An inbound event, already validated by {@link FrameDecoder}: handlers never see a malformed one.
 */
public sealed interface ClientEvent {

  /** The wire name of the event, e.g. {@code send_message}. */
  String name();

  /** {@code attachments} are ids of the sender's uploads, distinct, in the order given. */
  record SendMessage(
      String chatId,
      String content,
      MessageType messageType,
      String tempId,
      List<String> attachments)
      implements ClientEvent {
    public String name() {
      return "send_message";
    }
  }

  record EditMessage(String messageId, String content) implements ClientEvent {
    public String name() {
      return "edit_message";
    }
  }

  record DeleteMessage(String messageId) implements ClientEvent {
    public String name() {
      return "delete_message";
    }
  }

  /** At most one of {@code lastSeq} and {@code lastMessageId} is set; both null means no replay. */
  record JoinChat(String chatId, Long lastSeq, String lastMessageId) implements ClientEvent {
    public String name() {
      return "join_chat";
    }
  }

  record LeaveChat(String chatId) implements ClientEvent {
    public String name() {
      return "leave_chat";
    }
  }

  record TypingStart(String chatId) implements ClientEvent {
    public String name() {
      return "typing_start";
    }
  }

  record TypingStop(String chatId) implements ClientEvent {
    public String name() {
      return "typing_stop";
    }
  }

  record AddReaction(String messageId, String emoji) implements ClientEvent {
    public String name() {
      return "add_reaction";
    }
  }

  record RemoveReaction(String messageId, String emoji) implements ClientEvent {
    public String name() {
      return "remove_reaction";
    }
  }

  /** A fresh token for the same user, sent before the connection's token expires. */
  record RefreshToken(String token) implements ClientEvent {
    public String name() {
      return "refresh_token";
    }
  }
}
