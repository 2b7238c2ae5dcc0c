package dev.messenger.typing;

import dev.messenger.HotPathSingleton;
import dev.messenger.config.MessengerConfig;
import dev.messenger.fanout.ChatBus;
import dev.messenger.fanout.ChatFrame;
import dev.messenger.protocol.EventEncoder;
import dev.messenger.protocol.EventName;
import dev.messenger.protocol.ServerEvent;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import java.util.List;

/** Typing state of this node's users, broadcast to the chat's other users on every change. */
@HotPathSingleton
public class TypingIndicators {
  @Inject MessengerConfig config;
  @Inject ChatBus bus;

  private TypingTracker tracker;

  @PostConstruct
  void init() {
    tracker = new TypingTracker(config.typingTimeout());
  }

  public void start(String chatId, String userId) {
    if (tracker.start(chatId, userId, System.currentTimeMillis())) {
      broadcast(chatId, userId, true);
    }
  }

  public void stop(String chatId, String userId) {
    if (tracker.stop(chatId, userId)) {
      broadcast(chatId, userId, false);
    }
  }

  /** Called by the monitor timer: indicators not refreshed in time end with isTyping=false. */
  public int expire() {
    List<TypingTracker.Typing> expired = tracker.expire(System.currentTimeMillis());
    expired.forEach(t -> broadcast(t.chatId(), t.userId(), false));
    return expired.size();
  }

  /** The user's last connection closed: whatever they were typing is over. */
  public void userGone(String userId) {
    tracker.stopAll(userId).forEach(t -> broadcast(t.chatId(), t.userId(), false));
  }

  private void broadcast(String chatId, String userId, boolean typing) {
    String frame =
        EventEncoder.frame(
            EventName.USER_TYPING, new ServerEvent.UserTyping(chatId, userId, typing));
    bus.publish(ChatFrame.exceptUser(chatId, frame, userId));
  }
}
