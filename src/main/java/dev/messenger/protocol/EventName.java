package dev.messenger.protocol;

/** Wire names of outbound events. */
public final class EventName {
  private EventName() {}

  public static final String MESSAGE_SENT = "message_sent";
  public static final String NEW_MESSAGE = "new_message";
  public static final String MESSAGE_EDITED = "message_edited";
  public static final String MESSAGE_DELETED = "message_deleted";
  public static final String REACTION_ADDED = "reaction_added";
  public static final String REACTION_REMOVED = "reaction_removed";
  public static final String JOINED_CHAT = "joined_chat";
  public static final String LEFT_CHAT = "left_chat";
  public static final String USER_TYPING = "user_typing";
  public static final String TOKEN_REFRESHED = "token_refreshed";
  public static final String ERROR = "error";
}
