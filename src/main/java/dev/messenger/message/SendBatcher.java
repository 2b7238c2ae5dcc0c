package dev.messenger.message;

import dev.messenger.config.MessengerConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorDefinition;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Consumer;

/**
 * {@code send_message} through group commit: sends share transactions (one per batch, in {@link
 * Messages#sendAll}), sharded by chat so chats proceed in parallel and each chat's messages are
 * written, and completed, in arrival order. The socket thread that queued a send is free at once.
 *
 * <p>The writers run on the application's own managed scheduled executor, defined here with the
 * default context (the writer needs the application's class loader and {@code java:comp} for JPA
 * and JTA), not on the server's default one: on Payara Micro the default one has a single thread
 * (core pool size 0), and Tyrus queues a task on it for every WebSocket frame sent or received, so
 * the writers waited behind those (bench/README.md, "Fan-out on Payara Micro"). {@code maxAsync}
 * bounds the writer and completion tasks running at once, two per shard ({@code
 * messenger.send.commit-shards}); on Payara it is the pool's thread count.
 */
@ManagedScheduledExecutorDefinition(name = SendBatcher.EXECUTOR, maxAsync = 16)
@ApplicationScoped
public class SendBatcher {
  static final String EXECUTOR = "java:app/concurrent/messageWriters";

  @Inject Messages messages;
  @Inject MessengerConfig config;

  @Resource(lookup = EXECUTOR)
  ManagedScheduledExecutorService executor;

  private GroupCommit<MessageStore.SendRequest, MessageStore.Sent> commits;

  @PostConstruct
  void start() {
    commits =
        new GroupCommit<>(
            config.sendCommitShards(),
            config.sendCommitMaxBatch(),
            config.sendMaxQueued(),
            config.sendCommitLingerMicros(),
            executor,
            messages::sendAll);
  }

  /**
   * Queues a send; {@code completion} gets its outcome once committed (or refused), on a pool
   * thread.
   *
   * @return false when too many sends are waiting already: nothing was queued
   */
  public boolean send(
      MessageStore.SendRequest send, Consumer<GroupCommit.Outcome<MessageStore.Sent>> completion) {
    return commits.submit(send.command().chatId(), send, completion);
  }
}
