package dev.messenger.protocol;

/** Codes of the {@code error} event. Clients branch on these, so they never change meaning. */
public enum ErrorCode {
  /** Not a JSON object envelope, malformed JSON, or a binary frame. */
  BAD_REQUEST,
  /** The envelope names an event the server does not know. */
  UNKNOWN_EVENT,
  /** A field is missing, of the wrong type, or out of range. */
  VALIDATION,
  /** The chat or message does not exist, or the user may not know it exists. */
  NOT_FOUND,
  /** The user may see the target but not do this to it (e.g. edit another user's message). */
  FORBIDDEN,
  /** A per-user rate limit refused the event; {@code retryAfterMs} says when to try again. */
  RATE_LIMITED,
  /**
   * The server is too busy to take the event now (its database is behind); nothing was applied.
   * Retry after {@code retryAfterMs}.
   */
  OVERLOADED,
  /** The server failed; the event was not applied. */
  INTERNAL
}
