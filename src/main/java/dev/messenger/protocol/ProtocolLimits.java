package dev.messenger.protocol;

/**
 * Size limits the {@link FrameDecoder} enforces. Lengths count Unicode code points, which is what
 * PostgreSQL {@code varchar(n)} counts, so a value that passes here also fits its column.
 */
public record ProtocolLimits(
    int maxContentLength, int maxAttachments, int maxEmojiLength, int maxIdLength) {

  public ProtocolLimits {
    // A zero or negative limit is a configuration mistake that would refuse every event; fail at startup.
    if (maxContentLength < 1 || maxAttachments < 0 || maxEmojiLength < 1 || maxIdLength < 1) {
      throw new IllegalArgumentException(
          "protocol limits must be positive (maxAttachments may be 0): content=%d, attachments=%d, emoji=%d, id=%d"
              .formatted(maxContentLength, maxAttachments, maxEmojiLength, maxIdLength));
    }
  }
}
