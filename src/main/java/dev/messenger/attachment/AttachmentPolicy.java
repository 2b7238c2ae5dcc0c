package dev.messenger.attachment;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What may be uploaded: a size limit and a list of content types. The stored type is the declared
 * one, checked against the file's first bytes where the format has a signature.
 */
public record AttachmentPolicy(long maxBytes, Set<String> allowedTypes) {
  static final String OCTET_STREAM = "application/octet-stream";
  static final String TEXT = "text/plain";

  /** Raster images that browsers show in place; anything else is offered as a download. */
  private static final Set<String> INLINE =
      Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

  public AttachmentPolicy {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("messenger.attachments.max-bytes must be at least 1");
    }
    allowedTypes = Set.copyOf(allowedTypes);
  }

  /** From configuration: types are normalised to lower-case {@code type/subtype}. */
  public static AttachmentPolicy of(long maxBytes, List<String> allowedTypes) {
    Set<String> types = new LinkedHashSet<>();
    for (String type : allowedTypes) {
      String essence = essence(type);
      if (!essence.isEmpty()) {
        types.add(essence);
      }
    }
    if (types.isEmpty()) {
      throw new IllegalArgumentException("messenger.attachments.allowed-types must not be empty");
    }
    return new AttachmentPolicy(maxBytes, types);
  }

  /**
   * The content type to store for an upload declared as {@code declared} (the part's Content-Type,
   * may be null) whose first bytes are {@code head}. Without a declared type, or with {@code
   * application/octet-stream}, the type is taken from the magic bytes when they name one.
   *
   * @throws UploadRefused 415 when the type is not allowed or the content does not match it
   */
  public String contentTypeOf(String declared, byte[] head) {
    String type = declared == null ? "" : essence(declared);
    if (type.isEmpty() || type.equals(OCTET_STREAM)) {
      type = MagicBytes.detect(head).orElse(OCTET_STREAM);
    }
    if (!allowedTypes.contains(type)) {
      throw UploadRefused.unsupportedType(
          "content type "
              + shown(type)
              + " is not allowed; allowed: "
              + String.join(", ", sorted()));
    }
    if (!MagicBytes.matches(type, head) || (type.equals(TEXT) && !MagicBytes.looksLikeText(head))) {
      throw UploadRefused.unsupportedType("the file's content is not " + type);
    }
    return type;
  }

  /** Images are shown in place; everything else is downloaded. */
  public static boolean inline(String contentType) {
    return INLINE.contains(contentType);
  }

  static String essence(String type) {
    int semicolon = type.indexOf(';');
    return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }

  private List<String> sorted() {
    return allowedTypes.stream().sorted().toList();
  }

  /** The declared type comes from the client: cut it short before quoting it back. */
  private static String shown(String type) {
    return type.length() > 100 ? type.substring(0, 100) + "…" : type;
  }
}
