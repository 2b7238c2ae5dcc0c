package dev.messenger.message;

import dev.messenger.chat.LocalChatSeqs;
import java.time.Duration;

/**
 * Every {@link MessageStoreTest} again as a node on embedded H2 runs by default: the chats' heads
 * in memory, and resends found in each chat's window of recent tempIds instead of the database's
 * unique index (dropped, as {@link TempKeyIndex} does at start).
 */
class MessageStoreWithResendWindowTest extends MessageStoreTest {
  @Override
  LocalChatSeqs chatSeqs() {
    return LocalChatSeqs.forTests(true);
  }

  @Override
  Duration resendWindow() {
    return Duration.ofMinutes(10);
  }
}
