package dev.messenger.protocol;

/** What {@link FrameDecoder#decode} makes of a frame: a valid event or the reason it is not one. */
public sealed interface DecodeResult {

  record Decoded(ClientEvent event) implements DecodeResult {}

  /**
   * The frame is refused. {@code event} is the event name when it was a known one, and {@code
   * tempId} the client's temporary id of a {@code send_message}, so the client can match the error
   * to its optimistic message; both are null when unknown.
   */
  record Rejected(ErrorCode code, String message, String event, String tempId)
      implements DecodeResult {}
}
