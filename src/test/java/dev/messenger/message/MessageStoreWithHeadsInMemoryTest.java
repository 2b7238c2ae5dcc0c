package dev.messenger.message;

import dev.messenger.chat.LocalChatSeqs;

/**
 * Every {@link MessageStoreTest} again with the chats' heads kept in memory, as a node on embedded
 * H2 runs: sends, edits, deletes and reactions take their seqs there, under the same guarantees.
 */
class MessageStoreWithHeadsInMemoryTest extends MessageStoreTest {
  @Override
  LocalChatSeqs chatSeqs() {
    return LocalChatSeqs.forTests(true);
  }
}
