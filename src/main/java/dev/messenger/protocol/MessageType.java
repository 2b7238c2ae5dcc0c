package dev.messenger.protocol;

/** Kinds of message; IMAGE and FILE carry at least one attachment. */
public enum MessageType {
  TEXT,
  IMAGE,
  FILE;

  public boolean needsAttachment() {
    return this != TEXT;
  }
}
