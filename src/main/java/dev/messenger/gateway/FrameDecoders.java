package dev.messenger.gateway;

import dev.messenger.HotPathSingleton;
import dev.messenger.config.MessengerConfig;
import dev.messenger.protocol.FrameDecoder;
import dev.messenger.protocol.ProtocolLimits;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

/** The one shared, configured {@link FrameDecoder} (it is stateless). */
@HotPathSingleton
public class FrameDecoders {
  /** Longer IDs than any we issue (UUIDs) or accept as user ids (JWT sub). */
  private static final int MAX_ID_LENGTH = 255;

  /** The width of reactions.emoji in the schema: a larger configured limit could not be stored. */
  private static final int MAX_STORABLE_EMOJI = 64;

  @Inject MessengerConfig config;
  private FrameDecoder decoder;

  @PostConstruct
  void init() {
    decoder =
        new FrameDecoder(
            new ProtocolLimits(
                config.maxMessageLength(),
                config.maxAttachments(),
                Math.min(config.maxEmojiLength(), MAX_STORABLE_EMOJI),
                MAX_ID_LENGTH));
  }

  public FrameDecoder decoder() {
    return decoder;
  }
}
