package dev.messenger.attachment;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * Client file names made safe to store, show and send back in {@code Content-Disposition}: no path,
 * no control or bidirectional-override characters, no characters that file systems reserve.
 */
public final class FileNames {
  static final int MAX_LENGTH = 255;
  static final String FALLBACK = "file";
  private static final int MAX_EXTENSION = 16;
  private static final String RESERVED = "<>:\"/\\|?*";

  private FileNames() {}

  public static String sanitize(String raw) {
    if (raw == null) {
      return FALLBACK;
    }
    // Browsers used to send the whole client path; only the last segment is the name.
    String name = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
    name = Normalizer.normalize(name, Normalizer.Form.NFC);
    StringBuilder clean = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      // FORMAT covers U+202E and friends, which make "gnp.exe" display as "exe.png".
      if (Character.isISOControl(cp)
          || type == Character.FORMAT
          || type == Character.SURROGATE
          || type == Character.UNASSIGNED
          || type == Character.PRIVATE_USE) {
        continue;
      }
      clean.appendCodePoint(RESERVED.indexOf(cp) >= 0 ? '_' : cp);
    }
    String result = clean.toString().strip();
    int dots = 0;
    while (dots < result.length() && result.charAt(dots) == '.') {
      dots++;
    }
    result = result.substring(dots).strip();
    if (result.isEmpty()) {
      return FALLBACK;
    }
    return truncate(result);
  }

  /** At most {@link #MAX_LENGTH} code points, keeping a short extension. */
  private static String truncate(String name) {
    int length = name.codePointCount(0, name.length());
    if (length <= MAX_LENGTH) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String extension = "";
    if (dot > 0 && name.codePointCount(dot, name.length()) <= MAX_EXTENSION) {
      extension = name.substring(dot);
    }
    int keep = MAX_LENGTH - extension.codePointCount(0, extension.length());
    return name.substring(0, name.offsetByCodePoints(0, keep)).strip() + extension;
  }

  /**
   * A {@code Content-Disposition} value (RFC 6266): an ASCII {@code filename} for old clients and
   * the exact name as UTF-8 in {@code filename*}.
   */
  public static String contentDisposition(boolean inline, String name) {
    StringBuilder ascii = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%' ? c : '_');
    }
    return (inline ? "inline" : "attachment")
        + "; filename=\""
        + ascii
        + "\"; filename*=UTF-8''"
        + percentEncode(name);
  }

  /** RFC 8187 {@code attr-char}s stay, every other UTF-8 byte is %XX. */
  private static String percentEncode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      boolean attrChar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$&+-.^_`|~".indexOf(c) >= 0;
      if (attrChar) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }
}
