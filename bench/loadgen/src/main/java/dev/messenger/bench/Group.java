package dev.messenger.bench;

import java.util.concurrent.atomic.AtomicInteger;

/** The members of one chat (product) or room (bare); {@link #ready} counts joined connections. */
final class Group {
  final int index;
  volatile String room;
  final AtomicInteger ready = new AtomicInteger();

  Group(int index, String room) {
    this.index = index;
    this.room = room;
  }
}
