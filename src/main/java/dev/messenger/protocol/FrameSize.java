package dev.messenger.protocol;

/**
 * The frame size limit, checked by the application as well as the container. Open Liberty enforces
 * {@code Session.setMaxTextMessageBufferSize} itself (close 1009 before the frame reaches the
 * endpoint); Tyrus, Payara's WebSocket layer, delivers the frame anyway, so the endpoint closes
 * with the same code when this says the frame is too large.
 */
public final class FrameSize {
  private FrameSize() {}

  /** Whether {@code frame}, encoded as UTF-8 as it came over the wire, is over {@code maxBytes}. */
  public static boolean exceeds(String frame, int maxBytes) {
    int chars = frame.length();
    if (chars > maxBytes) {
      return true; // at least one byte per char
    }
    if ((long) chars * 3 <= maxBytes) {
      return false; // at most three bytes per UTF-16 char (a surrogate pair is four for two)
    }
    long bytes = 0;
    for (int i = 0; i < chars; i++) {
      char c = frame.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < chars
          && Character.isLowSurrogate(frame.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
      if (bytes > maxBytes) {
        return true;
      }
    }
    return false;
  }
}
