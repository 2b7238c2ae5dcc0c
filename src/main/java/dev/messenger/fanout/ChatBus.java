package dev.messenger.fanout;

/** Publishes chat events to every node; each node hands them to {@link LocalSubscriptions}. */
public interface ChatBus {
  void publish(ChatFrame frame);
}
