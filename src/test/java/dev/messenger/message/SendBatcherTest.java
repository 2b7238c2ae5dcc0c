package dev.messenger.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.MessageType;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the send path uses the two ways of writing a batch (the store itself: MessageStoreTest). */
class SendBatcherTest {
  private final List<String> calls = new ArrayList<>();
  private boolean resendInBatch;

  private final SendTransactions messages =
      new SendTransactions() {
        @Override
        public List<GroupCommit.Outcome<MessageStore.Sent>> sendAllNew(
            List<MessageStore.SendRequest> sends) {
          calls.add("new:" + sends.size());
          if (resendInBatch) {
            throw new SendRows.UniqueKeyTaken(new SQLException("duplicate", "23505"));
          }
          return List.of();
        }

        @Override
        public List<GroupCommit.Outcome<MessageStore.Sent>> sendAll(
            List<MessageStore.SendRequest> sends) {
          calls.add("looked up:" + sends.size());
          return List.of();
        }
      };

  @Test
  void aBatchIsWrittenOnceWithoutLookingTempIdsUp() {
    SendBatcher.write(messages, sends(3));
    assertEquals(List.of("new:3"), calls);
  }

  @Test
  void aBatchWithAResendIsWrittenAgainLookingTempIdsUp() {
    resendInBatch = true;
    SendBatcher.write(messages, sends(3));
    assertEquals(List.of("new:3", "looked up:3"), calls);
  }

  @Test
  void aSendAloneLooksItsTempIdUpAtOnce() {
    SendBatcher.write(messages, sends(1));
    assertEquals(List.of("looked up:1"), calls);
  }

  @Test
  void aSendBeforeTheJournalHasSettledIsRefusedAndNotQueued() {
    SendBatcher batcher = new SendBatcher();
    batcher.journal = new SendJournal(); // its start-up replay has not run
    List<GroupCommit.Outcome<MessageStore.Sent>> completions = new ArrayList<>();

    assertFalse(batcher.send(sends(1).get(0), completions::add));
    assertEquals(List.of(), completions);
  }

  @Test
  void aUniqueViolationIsFoundWhereverTheDriverPutsIt() {
    SQLException duplicate = new SQLException("duplicate key", "23505");
    BatchUpdateException h2Style = new BatchUpdateException("batch", "23505", 0, new int[0]);
    BatchUpdateException chained = new BatchUpdateException("batch", "XX000", 0, new int[0]);
    chained.setNextException(duplicate);
    SQLException wrapped = new SQLException("batch failed", "XX000", new SQLException(duplicate));

    assertTrue(SendRows.isUniqueViolation(h2Style));
    assertTrue(SendRows.isUniqueViolation(chained));
    assertTrue(SendRows.isUniqueViolation(wrapped));
    assertFalse(SendRows.isUniqueViolation(new SQLException("deadlock", "40P01")));
  }

  private static List<MessageStore.SendRequest> sends(int n) {
    List<MessageStore.SendRequest> sends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sends.add(
          new MessageStore.SendRequest(
              "u" + i,
              new ClientEvent.SendMessage("chat", "hi", MessageType.TEXT, "t" + i, List.of()),
              true));
    }
    return sends;
  }
}
