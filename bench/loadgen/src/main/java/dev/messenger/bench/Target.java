package dev.messenger.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** What the generator talks to: the product's gateway, or the bare room-broadcast endpoint. */
enum Target {
  /** The messenger: tokens, chats over REST, join_chat, send_message, message_sent, new_message. */
  PRODUCT,
  /**
   * {@code /bench/bare/{room}}: no tokens or chats; every frame is relayed to the room's others.
   */
  BARE;

  URI socketUri(URI base, String room) {
    String ws = base.getScheme().equals("https") ? "wss" : "ws";
    String path =
        this == PRODUCT
            ? "/messenger"
            : "/bench/bare/" + URLEncoder.encode(room, StandardCharsets.UTF_8);
    return URI.create(ws + "://" + base.getHost() + ":" + base.getPort() + path);
  }

  /** The event that counts as one delivery to one receiver. */
  String deliveryEvent() {
    return this == PRODUCT ? "new_message" : Frames.SEND_MESSAGE;
  }
}
