package dev.messenger.fanout;

import dev.messenger.HotPathSingleton;
import jakarta.inject.Inject;

/** The single-node bus: publishing is local delivery. */
@HotPathSingleton
public class InMemoryChatBus implements ChatBus {
  @Inject LocalSubscriptions subscriptions;

  @Override
  public void publish(ChatFrame frame) {
    subscriptions.deliver(frame);
  }
}
