package dev.messenger.message;

import dev.messenger.attachment.AttachmentRecord;
import dev.messenger.protocol.Attachment;
import dev.messenger.protocol.ClientEvent;
import dev.messenger.protocol.EventEncoder;
import dev.messenger.protocol.MessageType;
import dev.messenger.protocol.RequestRefused;
import dev.messenger.protocol.ServerEvent;
import dev.messenger.storage.EpochMillis;
import dev.messenger.storage.RowIds;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Stores one batch of sends through {@link SendRows}, in the transaction that holds its connection
 * ({@link SendTransactions}). One outcome per item, in order: the sent message (or, for a tempId
 * seen before, the original as a duplicate) or the refusal of that item alone (not a member,
 * unknown attachment), which wrote nothing. Any other exception means the batch must be rolled
 * back.
 *
 * <p>Per chat of the batch, in chat id order (so two writers never wait on each other's chats in
 * opposite orders): a membership lookup per unproven sender, the chat row locked, a lookup per
 * tempId for an earlier message (on the unique index of {@link TempKeys tempId keys}) unless the
 * caller leaves that to the index, then the messages with consecutive seqs and one update of the
 * chat's seq, sent in JDBC batches at the end.
 */
final class SendBatchWriter {
  private final SendRows rows;
  private final Clock clock;
  private final TempKeys tempKeys;

  SendBatchWriter(SendRows rows, Clock clock, TempKeys tempKeys) {
    this.rows = rows;
    this.clock = clock;
    this.tempKeys = tempKeys;
  }

  /**
   * @param lookUpTempIds false: the unique index on the tempId keys refuses a tempId stored before
   *     with {@link SendRows.UniqueKeyTaken}, and the caller rolls back and writes the batch again
   *     with lookups
   */
  List<GroupCommit.Outcome<MessageStore.Sent>> write(
      List<MessageStore.SendRequest> sends, boolean lookUpTempIds) {
    List<GroupCommit.Outcome<MessageStore.Sent>> outcomes = new ArrayList<>(sends.size());
    Map<String, List<Integer>> byChat = new TreeMap<>();
    for (int i = 0; i < sends.size(); i++) {
      outcomes.add(null);
      byChat.computeIfAbsent(sends.get(i).command().chatId(), id -> new ArrayList<>()).add(i);
    }
    byChat.forEach((chatId, items) -> sendToChat(chatId, items, sends, outcomes, lookUpTempIds));
    rows.flush();
    return outcomes;
  }

  private void sendToChat(
      String chatId,
      List<Integer> items,
      List<MessageStore.SendRequest> sends,
      List<GroupCommit.Outcome<MessageStore.Sent>> outcomes,
      boolean lookUpTempIds) {
    Set<String> members = membersAmong(chatId, items, sends);
    List<Integer> accepted = new ArrayList<>(items.size());
    for (int i : items) {
      MessageStore.SendRequest send = sends.get(i);
      if (send.memberProven() || members.contains(send.userId())) {
        accepted.add(i);
      } else {
        outcomes.set(i, GroupCommit.Outcome.failed(RequestRefused.notFound("chat")));
      }
    }
    if (accepted.isEmpty()) {
      return;
    }
    // The row lock orders the writers of this chat, on every node, until commit; the tempId check
    // after it sees any resend that committed meanwhile.
    Long head = rows.lockChat(chatId);
    if (head == null) {
      accepted.forEach(
          i -> outcomes.set(i, GroupCommit.Outcome.failed(RequestRefused.notFound("chat"))));
      return;
    }
    Map<String, Message> byTempId = new HashMap<>();
    long seq = head;
    long now = clock.millis();
    for (int i : accepted) {
      MessageStore.SendRequest send = sends.get(i);
      ClientEvent.SendMessage cmd = send.command();
      String tempKey = tempKey(send.userId(), cmd.tempId());
      Long key = null;
      if (tempKey != null) {
        Message earlier = byTempId.get(tempKey); // the same tempId again in this batch
        boolean keyTaken = false;
        key = tempKeys.of(chatId, send.userId(), cmd.tempId());
        if (earlier == null && lookUpTempIds) {
          SendRows.Earlier stored = rows.byTempId(chatId, send.userId(), cmd.tempId(), key);
          earlier = stored.message();
          keyTaken = stored.keyTaken();
        }
        if (earlier != null) {
          byTempId.put(tempKey, earlier);
          outcomes.set(i, GroupCommit.Outcome.of(MessageStore.duplicate(earlier)));
          continue;
        }
        // Without lookups, a key stored before is refused by the unique index, and the caller
        // writes the batch again with them.
        if (keyTaken) {
          key = null; // another tempId's key: stored without one
        }
      }
      MessageType type = cmd.messageType() == null ? MessageType.TEXT : cmd.messageType();
      List<AttachmentRecord> files;
      try {
        files = attachmentsToSend(send.userId(), type, cmd.attachments());
      } catch (RequestRefused refused) {
        outcomes.set(i, GroupCommit.Outcome.failed(refused));
        continue;
      }
      seq++;
      String content = cmd.content() == null ? "" : cmd.content();
      // The metadata is copied into the message: history and replay show it without another query.
      List<Attachment> metadata = files.stream().map(AttachmentRecord::metadata).toList();
      Message message =
          new Message(
              RowIds.next(),
              chatId,
              send.userId(),
              content,
              type,
              metadata.isEmpty() ? "[]" : EventEncoder.data(metadata),
              cmd.tempId(),
              now,
              seq);
      Long storedKey = rows.insert(message, key);
      // An upload named twice in one message is linked, and journaled, once.
      List<String> fileIds = files.stream().map(AttachmentRecord::id).distinct().toList();
      if (!fileIds.isEmpty()) {
        // The links reference the message row: it must be inserted first.
        rows.flushMessages();
        rows.link(message.id(), chatId, fileIds);
      }
      if (tempKey != null) {
        byTempId.put(tempKey, message); // the same tempId again in this batch is a resend
      }
      // Built from what is at hand: the attachments need no decoding, the time one formatting.
      String createdAt = EpochMillis.iso(now);
      ServerEvent.NewMessage event = MessageStore.newMessageEvent(message, metadata, createdAt);
      String data = EventEncoder.data(event);
      JournaledSend written = new JournaledSend(message, storedKey, fileIds);
      outcomes.set(
          i,
          GroupCommit.Outcome.of(
              new MessageStore.Sent(
                  MessageStore.ack(message, createdAt), event, data, false, written)));
    }
    if (seq != head) {
      rows.setLastSeq(chatId, seq);
    }
  }

  /** Which of the senders that still need a check are members of the chat. */
  private Set<String> membersAmong(
      String chatId, List<Integer> items, List<MessageStore.SendRequest> sends) {
    Set<String> unproven = new HashSet<>();
    for (int i : items) {
      if (!sends.get(i).memberProven()) {
        unproven.add(sends.get(i).userId());
      }
    }
    if (unproven.isEmpty()) {
      return Set.of();
    }
    return rows.membersAmong(chatId, unproven);
  }

  /** A tempId is the sender's own: two users may pick the same one. */
  private static String tempKey(String senderId, String tempId) {
    return tempId == null ? null : senderId + '\n' + tempId;
  }

  /**
   * The sender's own uploads named in the message, a lookup each. IMAGE messages take only images
   * (the decoder already required at least one attachment for IMAGE and FILE).
   */
  private List<AttachmentRecord> attachmentsToSend(
      String userId, MessageType type, List<String> ids) {
    List<AttachmentRecord> files =
        rows.ownedAttachments(userId, ids == null ? List.of() : List.copyOf(ids));
    if (type.needsAttachment() && files.isEmpty()) {
      throw RequestRefused.validation("attachments must not be empty for messageType " + type);
    }
    if (type == MessageType.IMAGE) {
      for (int i = 0; i < files.size(); i++) {
        if (!files.get(i).contentType().startsWith("image/")) {
          throw RequestRefused.validation(
              "attachments[" + i + "] is not an image; IMAGE messages take only images");
        }
      }
    }
    return files;
  }
}
