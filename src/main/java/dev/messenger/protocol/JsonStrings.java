package dev.messenger.protocol;

/**
 * JSON string literals as Parsson (JSON-B's generator here) writes them: quote, backslash and the
 * control characters escaped, with the short forms where JSON has them; everything else, '/' and
 * non-ASCII included, as it is. {@link MessageFrames} must match JSON-B's bytes exactly, since a
 * replayed frame is the stored JSON-B text and a live one is not.
 */
final class JsonStrings {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonStrings() {}

  static void append(StringBuilder json, String value) {
    json.append('"');
    int plainFrom = 0;
    int length = value.length();
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      json.append(value, plainFrom, i);
      plainFrom = i + 1;
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\b' -> json.append("\\b");
        case '\f' -> json.append("\\f");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    json.append(value, plainFrom, length).append('"');
  }
}
