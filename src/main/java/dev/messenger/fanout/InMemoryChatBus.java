package dev.messenger.fanout;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The single-node bus: publishing is local delivery. */
@ApplicationScoped
public class InMemoryChatBus implements ChatBus {
  @Inject LocalSubscriptions subscriptions;

  @Override
  public void publish(ChatFrame frame) {
    subscriptions.deliver(frame);
  }
}
