package dev.messenger.message;

import dev.messenger.config.MessengerConfig;
import dev.messenger.protocol.ClientEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * {@code send_message} through group commit: concurrent sends share transactions (one per batch, in
 * {@link Messages#sendAll}), sharded by chat so chats proceed in parallel and each chat's messages
 * are written in arrival order. A call returns once its message is committed, as {@link
 * Messages#send} does.
 */
@ApplicationScoped
public class SendBatcher {
  /** One send as handed in by the gateway. */
  public record Send(String userId, ClientEvent.SendMessage command) {}

  @Inject Messages messages;
  @Inject MessengerConfig config;

  private GroupCommit<Send, MessageStore.Sent> commits;

  @PostConstruct
  void start() {
    commits =
        new GroupCommit<>(
            config.sendCommitShards(), config.sendCommitMaxBatch(), messages::sendAll);
  }

  public MessageStore.Sent send(String userId, ClientEvent.SendMessage command) {
    return commits.submit(command.chatId(), new Send(userId, command));
  }
}
