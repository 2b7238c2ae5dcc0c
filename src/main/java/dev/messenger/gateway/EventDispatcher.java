package dev.messenger.gateway;

import dev.messenger.HotPathSingleton;
import dev.messenger.auth.RefreshTokenVerifier;
import dev.messenger.auth.TokenVerifier;
import dev.messenger.chat.ChatHeads;
import dev.messenger.chat.Chats;
import dev.messenger.config.MessengerConfig;
import dev.messenger.connection.Connection;
import dev.messenger.fanout.ChatBus;
import dev.messenger.fanout.ChatFrame;
import dev.messenger.fanout.LocalSubscriptions;
import dev.messenger.message.GroupCommit;
import dev.messenger.message.MessageStore;
import dev.messenger.message.Messages;
import dev.messenger.message.SendBatcher;
import dev.messenger.metrics.GatewayMetrics;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.ClientEvent.AddReaction;
import dev.messenger.protocol.ClientEvent.DeleteMessage;
import dev.messenger.protocol.ClientEvent.EditMessage;
import dev.messenger.protocol.ClientEvent.JoinChat;
import dev.messenger.protocol.ClientEvent.LeaveChat;
import dev.messenger.protocol.ClientEvent.RefreshToken;
import dev.messenger.protocol.ClientEvent.RemoveReaction;
import dev.messenger.protocol.ClientEvent.SendMessage;
import dev.messenger.protocol.ClientEvent.TypingStart;
import dev.messenger.protocol.ClientEvent.TypingStop;
import dev.messenger.protocol.EventEncoder;
import dev.messenger.protocol.EventName;
import dev.messenger.protocol.RequestRefused;
import dev.messenger.protocol.ServerEvent;
import dev.messenger.ratelimit.Action;
import dev.messenger.ratelimit.RateLimiter;
import dev.messenger.ratelimit.RateLimits;
import dev.messenger.ratelimit.RateLimits.Decision;
import dev.messenger.storage.EpochMillis;
import dev.messenger.typing.TypingIndicators;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies one decoded client event for one connection: rate limit, then the feature code, then the
 * replies and broadcasts. Refusals are thrown as {@link RequestRefused} and become {@code error}
 * events.
 */
@HotPathSingleton
public class EventDispatcher {
  private static final Logger LOG = Logger.getLogger(EventDispatcher.class.getName());

  /** How long a client should wait before resending a send refused as OVERLOADED. */
  static final long OVERLOADED_RETRY_MS = 1000;

  @Inject MessengerConfig config;
  @Inject Chats chats;
  @Inject ChatHeads chatHeads;
  @Inject Messages messages;
  @Inject SendBatcher sends;
  @Inject ChatBus bus;
  @Inject LocalSubscriptions subscriptions;
  @Inject TypingIndicators typing;
  @Inject GatewayMetrics metrics;
  @Inject RefreshTokenVerifier refreshTokens;
  @EJB RateLimiter rateLimiter;

  /** The rate limiter's buckets, held to spare every frame an EJB call (see RateLimiter#limits). */
  private RateLimits limits;

  @PostConstruct
  void init() {
    limits = rateLimiter.limits();
  }

  public void dispatch(Connection connection, ClientEvent event) {
    Action action = actionOf(event);
    if (action != null) {
      Decision decision = limits.tryConsume(connection.userId(), action);
      if (!decision.allowed()) {
        metrics.rateLimited(action.name());
        throw RequestRefused.rateLimited(action.name().toLowerCase(), decision.retryAfterMs());
      }
    }
    if (event instanceof SendMessage e) {
      send(connection, e);
    } else if (event instanceof EditMessage e) {
      ServerEvent.MessageEdited edited = messages.edit(connection.userId(), e);
      publish(connection, edited.chatId(), edited.seq(), EventName.MESSAGE_EDITED, edited);
    } else if (event instanceof DeleteMessage e) {
      ServerEvent.MessageDeleted deleted = messages.delete(connection.userId(), e);
      publish(connection, deleted.chatId(), deleted.seq(), EventName.MESSAGE_DELETED, deleted);
    } else if (event instanceof AddReaction e) {
      messages
          .addReaction(connection.userId(), e)
          .ifPresent(r -> publish(connection, r.chatId(), r.seq(), EventName.REACTION_ADDED, r));
    } else if (event instanceof RemoveReaction e) {
      messages
          .removeReaction(connection.userId(), e)
          .ifPresent(r -> publish(connection, r.chatId(), r.seq(), EventName.REACTION_REMOVED, r));
    } else if (event instanceof JoinChat e) {
      join(connection, e);
    } else if (event instanceof LeaveChat e) {
      connection.unsubscribe(e.chatId());
      subscriptions.remove(e.chatId(), connection);
      connection.send(
          EventEncoder.frame(EventName.LEFT_CHAT, new ServerEvent.LeftChat(e.chatId())));
    } else if (event instanceof TypingStart e) {
      requireMember(connection, e.chatId());
      typing.start(e.chatId(), connection.userId());
    } else if (event instanceof TypingStop e) {
      requireMember(connection, e.chatId());
      typing.stop(e.chatId(), connection.userId());
    } else if (event instanceof RefreshToken e) {
      refresh(connection, e);
    }
  }

  /**
   * Extends the connection's life to a fresh token's expiry. A refused token changes nothing: the
   * connection keeps its old expiry.
   */
  private void refresh(Connection connection, RefreshToken command) {
    TokenVerifier.Verified fresh;
    try {
      fresh = refreshTokens.verify(command.token());
    } catch (TokenVerifier.InvalidToken e) {
      throw RequestRefused.validation(e.getMessage());
    }
    if (!fresh.subject().equals(connection.userId())) {
      throw RequestRefused.forbidden("the token is for another user");
    }
    long expiresAt = fresh.expiresAt().toEpochMilli();
    if (!connection.refreshToken(expiresAt, System.currentTimeMillis())) {
      throw RequestRefused.forbidden("the connection's token has expired already; reconnect");
    }
    connection.send(
        EventEncoder.frame(
            EventName.TOKEN_REFRESHED, new ServerEvent.TokenRefreshed(EpochMillis.iso(expiresAt))));
  }

  private static Action actionOf(ClientEvent event) {
    if (event instanceof SendMessage
        || event instanceof EditMessage
        || event instanceof DeleteMessage) {
      return Action.MESSAGE;
    }
    if (event instanceof AddReaction || event instanceof RemoveReaction) {
      return Action.REACTION;
    }
    if (event instanceof TypingStart || event instanceof TypingStop) {
      return Action.TYPING;
    }
    return null;
  }

  /**
   * Queues the send for group commit and returns at once; the acknowledgement (only once committed:
   * then the sender may forget the message) and the broadcast follow on a completion lane's thread,
   * in the chat's commit order.
   */
  private void send(Connection connection, SendMessage command) {
    // A joined connection proved membership when it joined, and membership is never revoked.
    boolean memberProven = connection.isSubscribed(command.chatId());
    MessageStore.SendRequest request =
        new MessageStore.SendRequest(connection.userId(), command, memberProven);
    connection.continueEventElsewhere();
    boolean queued;
    try {
      queued = sends.send(request, outcome -> sent(connection, command, outcome));
    } catch (RuntimeException e) {
      connection.endEvent();
      throw e;
    }
    if (!queued) {
      connection.endEvent();
      throw RequestRefused.overloaded(
          "the server is busy storing messages; retry later", OVERLOADED_RETRY_MS);
    }
  }

  private void sent(
      Connection connection, SendMessage command, GroupCommit.Outcome<MessageStore.Sent> outcome) {
    try {
      if (!outcome.ok()) {
        if (outcome.failure() instanceof RequestRefused refused) {
          error(connection, refused, command.name(), command.tempId());
        } else {
          LOG.log(
              Level.WARNING,
              "Failed to store send_message for " + connection.userId(),
              outcome.failure());
          error(connection, RequestRefused.internal(), command.name(), command.tempId());
        }
        return;
      }
      MessageStore.Sent sent = outcome.value();
      connection.send(EventEncoder.frame(EventName.MESSAGE_SENT, sent.ack()));
      if (sent.duplicate()) {
        return; // a resend after a lost ack: the original was delivered already
      }
      metrics.messageStored();
      String frame = EventEncoder.frame(EventName.NEW_MESSAGE, sent.event());
      bus.publish(
          ChatFrame.exceptConnection(command.chatId(), sent.ack().seq(), frame, connection.id()));
      typing.stop(command.chatId(), connection.userId());
    } finally {
      connection.endEvent();
    }
  }

  /** The {@code error} event for a refused (or failed) client event. */
  public void error(Connection connection, RequestRefused refused, String event, String tempId) {
    metrics.error(refused.code().name());
    connection.send(
        EventEncoder.frame(
            EventName.ERROR,
            new ServerEvent.Error(
                refused.code().name(),
                refused.getMessage(),
                event,
                tempId,
                refused.retryAfterMs())));
  }

  /**
   * Edits, deletions and reactions go to every joined connection; the actor gets it even if not
   * joined.
   */
  private void publish(Connection actor, String chatId, long seq, String event, Object payload) {
    String frame = EventEncoder.frame(event, payload);
    bus.publish(ChatFrame.toAll(chatId, seq, frame));
    if (!actor.isSubscribed(chatId)) {
      actor.send(frame);
    }
  }

  /**
   * Subscribes first and replays second, buffering live events meanwhile, so an event committed
   * during the join is neither missed nor delivered twice (duplicates are recognised by their seq).
   */
  private void join(Connection connection, JoinChat command) {
    String chatId = command.chatId();
    Connection.ChatSubscription subscription = connection.subscribe(chatId);
    subscriptions.add(chatId, connection);
    MessageStore.Replay replay;
    try {
      if (command.lastSeq() == null && command.lastMessageId() == null) {
        // No position, nothing to replay: a first join, which every connection makes as it opens.
        replay =
            new MessageStore.Replay(
                List.of(), chatHeads.lastSeqForMember(chatId, connection.userId()), false);
      } else {
        replay =
            messages.replay(
                connection.userId(),
                chatId,
                command.lastSeq(),
                command.lastMessageId(),
                config.replayMaxEvents());
      }
    } catch (RuntimeException e) {
      connection.unsubscribe(chatId);
      subscriptions.remove(chatId, connection);
      throw e;
    }
    long upTo = replay.headSeq();
    for (MessageStore.StoredEvent stored : replay.events()) {
      connection.send(EventEncoder.frameFromData(stored.type(), stored.dataJson()));
      upTo = Math.max(upTo, stored.seq());
    }
    connection.send(
        EventEncoder.frame(
            EventName.JOINED_CHAT,
            new ServerEvent.JoinedChat(
                chatId, upTo, replay.events().size(), replay.reloadRequired())));
    connection.goLive(subscription, upTo);
  }

  private void requireMember(Connection connection, String chatId) {
    // A joined connection has proven membership already; skip the database on the typing hot path.
    if (!connection.isSubscribed(chatId)) {
      chats.requireMember(chatId, connection.userId());
    }
  }
}
