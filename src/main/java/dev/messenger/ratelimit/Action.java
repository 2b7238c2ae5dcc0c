package dev.messenger.ratelimit;

/** What a user spends tokens on; each action has its own bucket. */
public enum Action {
  /** Sending, editing and deleting messages share one budget. */
  MESSAGE,
  REACTION,
  TYPING
}
