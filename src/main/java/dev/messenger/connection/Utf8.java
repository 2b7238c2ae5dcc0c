package dev.messenger.connection;

/**
 * UTF-8 lengths without encoding: the inline credit counts what goes on the wire, and a frame is
 * encoded by the container only as it writes it.
 */
final class Utf8 {
  private Utf8() {}

  /**
   * The bytes {@code text} takes in UTF-8; a lone surrogate counts 2 (Java writes it as 1 byte,
   * '?'), so this is an upper bound.
   */
  static long length(String text) {
    int n = text.length();
    long bytes = n;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        // 2 bytes below U+0800, 3 above; a surrogate pair (4 bytes) is two chars of 2.
        bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
      }
    }
    return bytes;
  }
}
