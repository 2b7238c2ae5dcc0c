package dev.messenger.message;

import dev.messenger.HotPathSingleton;
import dev.messenger.config.MessengerConfig;
import dev.messenger.metrics.GatewayMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * {@code send_message} through group commit: sends share transactions (one per batch, in {@link
 * SendTransactions}, made durable by the {@link SendJournal}), sharded by chat so chats proceed in
 * parallel and each chat's messages are written, and completed, in arrival order. The writers and
 * the completion lanes are threads of the server's default managed thread factory (so they run with
 * the application's context), and the socket thread that queued a send is free at once.
 */
@HotPathSingleton
public class SendBatcher {
  @Inject SendTransactions transactions;
  @Inject MessengerConfig config;
  @Inject GatewayMetrics metrics;
  @Inject SendJournal journal;

  private static final Logger LOG = Logger.getLogger(SendBatcher.class.getName());

  /**
   * How long the application's stop waits for the sends accepted before it to be written and
   * acknowledged. The connections were drained before (ConnectionRegistry), so there are few.
   */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

  @Resource ManagedThreadFactory threads;

  private GroupCommit<MessageStore.SendRequest, MessageStore.Sent> commits;

  @PostConstruct
  void start() {
    commits =
        new GroupCommit<>(
            config.sendCommitShards(),
            config.sendCompletionLanes(),
            config.sendCommitMaxBatch(),
            config.sendMaxQueued(),
            config.sendCommitLingerMicros(),
            threads,
            batch -> {
              long cpuBefore = WriterCpu.now();
              try {
                metrics.sendCommitted();
                List<GroupCommit.Outcome<MessageStore.Sent>> outcomes = write(transactions, batch);
                // Durable before GroupCommit hands the outcomes on (acknowledgement, broadcast).
                journal.committed(outcomes);
                return outcomes;
              } finally {
                metrics.sendWriterCpu(WriterCpu.now() - cpuBefore);
              }
            });
    // How close the node is to refusing sends with OVERLOADED (messenger.send.max-queued).
    metrics.gauge(
        "messenger_send_queued",
        "Sends accepted and not yet acknowledged on this node (waiting for their group commit,"
            + " being committed, or being acknowledged and broadcast)",
        commits::queued);
  }

  @PreDestroy
  void stop() {
    if (commits != null && !commits.close(CLOSE_GRACE)) {
      LOG.warning("group commit: sends still being written when the application stopped");
    }
  }

  /**
   * One transaction for a batch when none of its tempIds was stored before, as is nearly always so;
   * two when one was (the first rolled back by the unique index). A batch of one looks its tempId
   * up at once: it is what GroupCommit retries item by item after a failure, and all a quiet node
   * writes.
   */
  static List<GroupCommit.Outcome<MessageStore.Sent>> write(
      SendTransactions transactions, List<MessageStore.SendRequest> batch) {
    if (batch.size() > 1) {
      try {
        return transactions.sendAllNew(batch);
      } catch (SendRows.UniqueKeyTaken resent) {
        // Rolled back; again, looking every tempId up.
      }
    }
    return transactions.sendAll(batch);
  }

  /**
   * Queues a send; {@code completion} gets its outcome once committed (or refused), on a completion
   * lane's thread.
   *
   * @return false when too many sends are waiting already, or the node is not ready to store them
   *     (the database's start-up, with the journal's replay, has not succeeded yet) or stopping:
   *     nothing was queued
   */
  public boolean send(
      MessageStore.SendRequest send, Consumer<GroupCommit.Outcome<MessageStore.Sent>> completion) {
    if (!journal.settled()) {
      return false;
    }
    return commits.submit(send.command().chatId(), send, completion);
  }
}
