package dev.messenger.protocol;

/**
 * Size limits the {@link FrameDecoder} enforces. Lengths count Unicode code points, which is what
 * PostgreSQL {@code varchar(n)} counts, so a value that passes here also fits its column.
 */
public record ProtocolLimits(
    int maxContentLength, int maxAttachments, int maxEmojiLength, int maxIdLength) {

  public ProtocolLimits {
    // A limit below these would refuse every event: a configuration mistake to fail on at startup.
    if (maxContentLength < 1 || maxAttachments < 0 || maxEmojiLength < 1 || maxIdLength < 1) {
      throw new IllegalArgumentException(
          "protocol limits must be positive (attachments may be 0): %d, %d, %d, %d"
              .formatted(maxContentLength, maxAttachments, maxEmojiLength, maxIdLength));
    }
  }
}
