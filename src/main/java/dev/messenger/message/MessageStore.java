package dev.messenger.message;

import dev.messenger.attachment.AttachmentCatalog;
import dev.messenger.chat.ChatStore;
import dev.messenger.protocol.Attachment;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.ErrorCode;
import dev.messenger.protocol.EventEncoder;
import dev.messenger.protocol.EventName;
import dev.messenger.protocol.MessageType;
import dev.messenger.protocol.RequestRefused;
import dev.messenger.protocol.ServerEvent;
import dev.messenger.storage.EpochMillis;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.spi.JsonProvider;
import jakarta.persistence.EntityManager;
import java.io.StringReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Messages, reactions and the per-chat event log, on a caller-managed {@link EntityManager} and
 * transaction. Every change takes the next seq of its chat in the same transaction, so the log is
 * gap-free. A new message is its own log entry (its row keeps the seq, and replay rebuilds its
 * {@code new_message} from it); every later change (edit, delete, reaction) appends a {@code
 * chat_events} row with the event as broadcast. Writing each message once, not again as a logged
 * event, more than doubled what the single group-commit writer stores per second on H2. Callers
 * must roll back on any exception (a refusal may come after the seq was taken).
 */
public class MessageStore {
  /**
   * One reader factory: {@code Json.createReader} looks the JSON-P provider up (a ServiceLoader
   * scan) on every call, which showed in the fan-out profile.
   */
  private static final JsonReaderFactory READERS =
      JsonProvider.provider().createReaderFactory(Map.of());

  private final EntityManager em;
  private final Clock clock;
  private final ChatStore chats;
  private final AttachmentCatalog attachments;

  private final ChangeSeqs seqs;

  /** Taking seqs from the chat rows. */
  public MessageStore(EntityManager em, Clock clock, ChatStore chats) {
    this(em, clock, chats, ChangeSeqs.onRows(em));
  }

  MessageStore(EntityManager em, Clock clock, ChatStore chats, ChangeSeqs seqs) {
    this.em = em;
    this.clock = clock;
    this.chats = chats;
    this.attachments = new AttachmentCatalog(em);
    this.seqs = seqs;
  }

  /**
   * The result of a send; {@code duplicate} when the tempId was seen before and nothing was written
   * (its {@code event} is not broadcast). {@code written}: the rows the send wrote, for the {@link
   * SendJournal}; null for a duplicate. Nothing here is encoded as JSON: that is left to the
   * completion, off the one thread that writes the node's sends.
   */
  public record Sent(
      ServerEvent.MessageSent ack,
      ServerEvent.NewMessage event,
      boolean duplicate,
      JournaledSend written) {}

  /** One logged event, as replayed: {@code dataJson} is the event's {@code data}. */
  public record StoredEvent(long seq, String type, String dataJson) {}

  /**
   * Events after the client's position, or none with {@code reloadRequired} when the gap is too
   * large (or the client claims a seq the chat never reached) and it must reload over REST.
   */
  public record Replay(List<StoredEvent> events, long headSeq, boolean reloadRequired) {}

  @JsonbNillable
  public record HistoryPage(
      String chatId, long lastSeq, List<HistoryMessage> messages, String nextBefore) {}

  @JsonbNillable
  public record HistoryMessage(
      String messageId,
      String chatId,
      String senderId,
      String content,
      MessageType messageType,
      List<Attachment> attachments,
      String createdAt,
      String editedAt,
      boolean deleted,
      long seq,
      List<ReactionSummary> reactions) {}

  public record ReactionSummary(String emoji, int count, List<String> userIds) {}

  /**
   * One {@code send_message} to store. {@code memberProven}: the sender's membership was checked
   * already (its connection joined the chat; membership is never revoked), so no query is needed.
   */
  public record SendRequest(String userId, ClientEvent.SendMessage command, boolean memberProven) {}

  public ServerEvent.MessageEdited edit(String userId, ClientEvent.EditMessage cmd) {
    Message message = visibleMessage(userId, cmd.messageId());
    requireEditable(message, userId, "only the author can edit a message");
    long seq = seqs.next(message.chatId());
    // Re-read under the chat's lock: a delete that committed meanwhile must win over this edit.
    em.refresh(message);
    requireEditable(message, userId, "only the author can edit a message");

    long now = clock.millis();
    message.edit(cmd.content(), now);
    ServerEvent.MessageEdited event =
        new ServerEvent.MessageEdited(
            message.id(),
            message.chatId(),
            message.senderId(),
            message.content(),
            EpochMillis.iso(now),
            seq);
    append(message.chatId(), seq, EventName.MESSAGE_EDITED, message.id(), event, now);
    return event;
  }

  public ServerEvent.MessageDeleted delete(String userId, ClientEvent.DeleteMessage cmd) {
    Message message = visibleMessage(userId, cmd.messageId());
    requireEditable(message, userId, "only the author can delete a message");
    long seq = seqs.next(message.chatId());
    em.refresh(message);
    requireEditable(message, userId, "only the author can delete a message");

    long now = clock.millis();
    message.markDeleted(now);
    attachments.unlink(message.id());
    scrubLoggedContent(message.id());
    ServerEvent.MessageDeleted event =
        new ServerEvent.MessageDeleted(
            message.id(), message.chatId(), message.senderId(), EpochMillis.iso(now), seq);
    append(message.chatId(), seq, EventName.MESSAGE_DELETED, message.id(), event, now);
    return event;
  }

  /**
   * Empty when the user already has this reaction on the message: nothing changes, no seq is used.
   */
  public Optional<ServerEvent.ReactionAdded> addReaction(
      String userId, ClientEvent.AddReaction cmd) {
    Message message = visibleMessage(userId, cmd.messageId());
    requireNotDeleted(message);
    if (hasReaction(message.id(), userId, cmd.emoji())) {
      return Optional.empty();
    }
    long seq = seqs.next(message.chatId());
    em.refresh(message);
    requireNotDeleted(message);
    if (hasReaction(message.id(), userId, cmd.emoji())) {
      seqs.giveBack(message.chatId());
      return Optional.empty();
    }

    long now = clock.millis();
    em.persist(new Reaction(message.id(), userId, cmd.emoji(), now));
    ServerEvent.ReactionAdded event =
        new ServerEvent.ReactionAdded(message.id(), message.chatId(), userId, cmd.emoji(), seq);
    append(message.chatId(), seq, EventName.REACTION_ADDED, message.id(), event, now);
    return Optional.of(event);
  }

  /** Empty when the user has no such reaction on the message: nothing changes, no seq is used. */
  public Optional<ServerEvent.ReactionRemoved> removeReaction(
      String userId, ClientEvent.RemoveReaction cmd) {
    Message message = visibleMessage(userId, cmd.messageId());
    requireNotDeleted(message);
    if (!hasReaction(message.id(), userId, cmd.emoji())) {
      return Optional.empty();
    }
    long seq = seqs.next(message.chatId());
    em.refresh(message);
    requireNotDeleted(message);
    int removed =
        em.createQuery(
                "DELETE FROM Reaction r"
                    + " WHERE r.messageId = :message AND r.userId = :user AND r.emoji = :emoji")
            .setParameter("message", message.id())
            .setParameter("user", userId)
            .setParameter("emoji", cmd.emoji())
            .executeUpdate();
    if (removed == 0) {
      seqs.giveBack(message.chatId());
      return Optional.empty();
    }

    ServerEvent.ReactionRemoved event =
        new ServerEvent.ReactionRemoved(message.id(), message.chatId(), userId, cmd.emoji(), seq);
    append(message.chatId(), seq, EventName.REACTION_REMOVED, message.id(), event, clock.millis());
    return Optional.of(event);
  }

  /**
   * The events a rejoining client missed. Its position is {@code lastSeq} or, when that is null,
   * the creation seq of {@code lastMessageId}; with neither, no events (just the head seq).
   */
  public Replay replay(
      String userId, String chatId, Long lastSeq, String lastMessageId, int maxEvents) {
    long head = chats.lastSeqForMember(chatId, userId);
    if (maxEvents < 0) {
      throw RequestRefused.validation("maxEvents must not be negative");
    }
    long from;
    if (lastSeq != null) {
      if (lastSeq < 0) {
        throw RequestRefused.validation("lastSeq must not be negative");
      }
      from = lastSeq;
    } else if (lastMessageId != null) {
      from = messageInChat(chatId, lastMessageId).seq();
    } else {
      return new Replay(List.of(), head, false);
    }
    if (from > head) {
      return new Replay(List.of(), head, true);
    }
    // Bounded by head: events committed after head was read belong to the live stream, not to this
    // replay. The log is two ordered streams: the messages created (each its new_message) and the
    // later changes; merged by seq.
    List<Message> created =
        em.createQuery(
                "SELECT m FROM Message m"
                    + " WHERE m.chatId = :chat AND m.seq > :from AND m.seq <= :head ORDER BY m.seq",
                Message.class)
            .setParameter("chat", chatId)
            .setParameter("from", from)
            .setParameter("head", head)
            .setMaxResults(maxEvents + 1)
            .getResultList();
    List<ChatEventRecord> changes =
        em.createQuery(
                "SELECT e FROM ChatEventRecord e"
                    + " WHERE e.chatId = :chat AND e.seq > :from AND e.seq <= :head ORDER BY e.seq",
                ChatEventRecord.class)
            .setParameter("chat", chatId)
            .setParameter("from", from)
            .setParameter("head", head)
            .setMaxResults(maxEvents + 1)
            .getResultList();
    if (created.size() + changes.size() > maxEvents) {
      return new Replay(List.of(), head, true);
    }
    List<StoredEvent> events = new ArrayList<>(created.size() + changes.size());
    int m = 0;
    int c = 0;
    while (m < created.size() || c < changes.size()) {
      if (c == changes.size()
          || (m < created.size() && created.get(m).seq() < changes.get(c).seq())) {
        Message message = created.get(m++);
        events.add(
            new StoredEvent(
                message.seq(), EventName.NEW_MESSAGE, EventEncoder.data(newMessageEvent(message))));
      } else {
        ChatEventRecord row = changes.get(c++);
        events.add(new StoredEvent(row.seq(), row.type(), row.payload()));
      }
    }
    return new Replay(List.copyOf(events), head, false);
  }

  /** A page of messages, newest first, older than {@code beforeMessageId} when given. */
  public HistoryPage history(String userId, String chatId, String beforeMessageId, int limit) {
    chats.requireMember(chatId, userId);
    if (limit < 1) {
      throw RequestRefused.validation("limit must be at least 1");
    }
    long head = seqs.head(chatId);
    long before =
        beforeMessageId == null ? Long.MAX_VALUE : messageInChat(chatId, beforeMessageId).seq();
    List<Message> found =
        em.createQuery(
                "SELECT m FROM Message m WHERE m.chatId = :chat AND m.seq < :before ORDER BY m.seq DESC",
                Message.class)
            .setParameter("chat", chatId)
            .setParameter("before", before)
            .setMaxResults(limit + 1)
            .getResultList();
    boolean more = found.size() > limit;
    List<Message> page = more ? found.subList(0, limit) : found;
    Map<String, List<ReactionSummary>> reactions = reactionsOf(page);
    List<HistoryMessage> messages = new ArrayList<>(page.size());
    for (Message m : page) {
      messages.add(
          new HistoryMessage(
              m.id(),
              m.chatId(),
              m.senderId(),
              m.deleted() ? null : m.content(),
              m.messageType(),
              decodeAttachments(m.attachmentsJson()),
              EpochMillis.iso(m.createdAt()),
              EpochMillis.isoOrNull(m.editedAt()),
              m.deleted(),
              m.seq(),
              reactions.getOrDefault(m.id(), List.of())));
    }
    String nextBefore = more ? page.get(page.size() - 1).id() : null;
    return new HistoryPage(chatId, head, List.copyOf(messages), nextBefore);
  }

  /**
   * Reactions of a whole page in one query, grouped by emoji in the order they were first given.
   */
  private Map<String, List<ReactionSummary>> reactionsOf(List<Message> page) {
    if (page.isEmpty()) {
      return Map.of();
    }
    List<String> ids = page.stream().map(Message::id).toList();
    List<Reaction> rows =
        em.createQuery(
                "SELECT r FROM Reaction r WHERE r.messageId IN :ids ORDER BY r.createdAt, r.userId",
                Reaction.class)
            .setParameter("ids", ids)
            .getResultList();
    Map<String, Map<String, List<String>>> byMessage = new LinkedHashMap<>();
    for (Reaction r : rows) {
      byMessage
          .computeIfAbsent(r.messageId(), id -> new LinkedHashMap<>())
          .computeIfAbsent(r.emoji(), emoji -> new ArrayList<>())
          .add(r.userId());
    }
    Map<String, List<ReactionSummary>> summaries = new LinkedHashMap<>();
    byMessage.forEach(
        (messageId, byEmoji) -> {
          List<ReactionSummary> list = new ArrayList<>();
          byEmoji.forEach(
              (emoji, users) ->
                  list.add(new ReactionSummary(emoji, users.size(), List.copyOf(users))));
          summaries.put(messageId, List.copyOf(list));
        });
    return summaries;
  }

  private void append(
      String chatId, long seq, String type, String messageId, Object payload, long now) {
    em.persist(new ChatEventRecord(chatId, seq, type, messageId, EventEncoder.data(payload), now));
  }

  /**
   * Replay must never resurrect deleted text, so the message's logged edits lose it too (its
   * new_message is rebuilt from the row, which has none left).
   */
  private void scrubLoggedContent(String messageId) {
    List<ChatEventRecord> logged =
        em.createQuery(
                "SELECT e FROM ChatEventRecord e WHERE e.messageId = :id AND e.type = :type",
                ChatEventRecord.class)
            .setParameter("id", messageId)
            .setParameter("type", EventName.MESSAGE_EDITED)
            .getResultList();
    for (ChatEventRecord row : logged) {
      JsonObject data = readObject(row.payload());
      JsonObjectBuilder scrubbed = Json.createObjectBuilder(data).add("content", "");
      if (data.containsKey("attachments")) {
        scrubbed.add("attachments", JsonValue.EMPTY_JSON_ARRAY);
      }
      row.replacePayload(scrubbed.build().toString());
    }
  }

  /**
   * The message, if it exists in a chat the user belongs to; otherwise the user may not know of it.
   */
  private Message visibleMessage(String userId, String messageId) {
    Message message = messageId == null ? null : em.find(Message.class, messageId);
    if (message == null || !chats.isMember(message.chatId(), userId)) {
      throw RequestRefused.notFound("message");
    }
    return message;
  }

  private Message messageInChat(String chatId, String messageId) {
    Message message = em.find(Message.class, messageId);
    if (message == null || !message.chatId().equals(chatId)) {
      throw RequestRefused.notFound("message");
    }
    return message;
  }

  private static void requireNotDeleted(Message message) {
    if (message.deleted()) {
      throw new RequestRefused(ErrorCode.NOT_FOUND, "message was deleted");
    }
  }

  private static void requireEditable(Message message, String userId, String forbidden) {
    requireNotDeleted(message);
    if (!message.senderId().equals(userId)) {
      throw RequestRefused.forbidden(forbidden);
    }
  }

  private boolean hasReaction(String messageId, String userId, String emoji) {
    // A count query always reads the database; em.find could answer from this persistence context.
    Long count =
        em.createQuery(
                "SELECT COUNT(r) FROM Reaction r"
                    + " WHERE r.messageId = :message AND r.userId = :user AND r.emoji = :emoji",
                Long.class)
            .setParameter("message", messageId)
            .setParameter("user", userId)
            .setParameter("emoji", emoji)
            .getSingleResult();
    return count > 0;
  }

  /**
   * The answer to a resend: the stored message as first announced (without its text if deleted
   * since).
   */
  static Sent duplicate(Message message) {
    return new Sent(ack(message), newMessageEvent(message), true, null);
  }

  private static ServerEvent.MessageSent ack(Message message) {
    return ack(message, EpochMillis.iso(message.createdAt()));
  }

  static ServerEvent.MessageSent ack(Message message, String createdAt) {
    return new ServerEvent.MessageSent(
        message.tempId(), message.id(), message.chatId(), createdAt, message.seq());
  }

  private static ServerEvent.NewMessage newMessageEvent(Message message) {
    return newMessageEvent(
        message,
        decodeAttachments(message.attachmentsJson()),
        EpochMillis.iso(message.createdAt()));
  }

  static ServerEvent.NewMessage newMessageEvent(
      Message message, List<Attachment> attachments, String createdAt) {
    return new ServerEvent.NewMessage(
        message.id(),
        message.chatId(),
        message.senderId(),
        message.deleted() ? "" : message.content(),
        message.messageType(),
        attachments,
        createdAt,
        message.tempId(),
        message.seq());
  }

  /**
   * Written with JSON-B (null fields omitted), read back with JSON-P field by field. Messages
   * stored before uploads existed hold bare links ({@code url}, {@code name}, optional {@code
   * contentType} and {@code size}, no {@code id}); they read back the same way.
   */
  static List<Attachment> decodeAttachments(String json) {
    if (json == null || json.isEmpty() || json.equals("[]")) {
      return List.of();
    }
    JsonArray array;
    try (JsonReader reader = READERS.createReader(new StringReader(json))) {
      array = reader.readArray();
    }
    List<Attachment> attachments = new ArrayList<>(array.size());
    for (JsonObject item : array.getValuesAs(JsonObject.class)) {
      JsonValue size = item.get("size");
      attachments.add(
          new Attachment(
              item.getString("id", null),
              item.getString("name", null),
              size instanceof JsonNumber number ? number.longValue() : null,
              item.getString("contentType", null),
              item.getString("url", null)));
    }
    return List.copyOf(attachments);
  }

  private static JsonObject readObject(String json) {
    try (JsonReader reader = READERS.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }
}
