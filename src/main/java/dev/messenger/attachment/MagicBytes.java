package dev.messenger.attachment;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a file's first bytes say it is, for the types whose format has a signature. A declared type
 * with a signature must match it, so that a script uploaded as {@code image/png} is refused rather
 * than served with an image type.
 */
final class MagicBytes {
  private MagicBytes() {}

  private static final Map<String, Predicate<byte[]>> SIGNATURES =
      Map.of(
          "image/png",
          head -> startsWith(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A),
          "image/jpeg",
          head -> startsWith(head, 0, 0xFF, 0xD8, 0xFF),
          "image/gif",
          head -> ascii(head, 0, "GIF87a") || ascii(head, 0, "GIF89a"),
          "image/webp",
          head -> ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP"),
          "application/pdf",
          head -> ascii(head, 0, "%PDF-"));

  /** The type whose signature {@code head} carries, if any. */
  static Optional<String> detect(byte[] head) {
    return SIGNATURES.entrySet().stream()
        .filter(e -> e.getValue().test(head))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  static boolean hasSignature(String type) {
    return SIGNATURES.containsKey(type);
  }

  static boolean matches(String type, byte[] head) {
    Predicate<byte[]> signature = SIGNATURES.get(type);
    return signature == null || signature.test(head);
  }

  /** Plain text has no signature, but a NUL byte in it means binary content. */
  static boolean looksLikeText(byte[] head) {
    for (byte b : head) {
      if (b == 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] head, int offset, int... expected) {
    if (head.length < offset + expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if ((head[offset + i] & 0xFF) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean ascii(byte[] head, int offset, String expected) {
    byte[] bytes = expected.getBytes(StandardCharsets.US_ASCII);
    int[] ints = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ints[i] = bytes[i];
    }
    return startsWith(head, offset, ints);
  }
}
