package dev.messenger.message;

import dev.messenger.attachment.AttachmentRecord;
import dev.messenger.chat.RecentTempKeys;
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
 * opposite orders): a membership lookup per unproven sender; then, when tempIds are looked up, the
 * chat's seq locked ({@link BatchSeqs}: its row, or its head in memory), a lookup per tempId for an
 * earlier message (in the chat's resend window in memory when the node keeps one, else on the
 * unique index of {@link TempKeys tempId keys}) and one update of the chat's seq; when the index is
 * left to refuse them, the chat's seq locked and advanced in one step once the batch knows how many
 * messages it stores. The messages take consecutive seqs and are sent in JDBC batches at the end.
 */
final class SendBatchWriter {
  private final SendRows rows;
  private final BatchSeqs seqs;
  private final Clock clock;
  private final TempKeys tempKeys;

  SendBatchWriter(SendRows rows, BatchSeqs seqs, Clock clock, TempKeys tempKeys) {
    this.rows = rows;
    this.seqs = seqs;
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
    if (lookUpTempIds) {
      // The chat's lock orders its writers until commit; the tempId lookups after it see any
      // resend that committed meanwhile.
      Long head = seqs.lock(chatId);
      if (head == null) {
        refuseChat(accepted, outcomes);
        return;
      }
      RecentTempKeys recent = seqs.recent(chatId);
      List<Planned> planned = plan(chatId, accepted, sends, outcomes, true, recent);
      if (!planned.isEmpty()) {
        store(chatId, head + 1, planned, sends, outcomes, recent);
        seqs.setLast(chatId, head + planned.size());
      }
      return;
    }
    List<Planned> planned = plan(chatId, accepted, sends, outcomes, false, null);
    if (planned.isEmpty()) {
      return;
    }
    // Locked and advanced in one step (on the rows, one statement): the lock orders the writers of
    // this chat until commit; a tempId stored meanwhile is refused by the unique index of keys.
    Long last = seqs.advance(chatId, planned.size());
    if (last == null) {
      refuseChat(accepted, outcomes);
      return;
    }
    store(chatId, last - planned.size() + 1, planned, sends, outcomes, null);
  }

  /**
   * One send to store: its tempId key, its uploads, and the later items of the batch that resend
   * its tempId (they get it as a duplicate).
   */
  private record Planned(
      int item, Long key, MessageType type, List<AttachmentRecord> files, List<Integer> resends) {}

  /**
   * Decides, before any seq is taken, what each accepted item becomes: a duplicate of a message
   * stored before (looked up when {@code lookUpTempIds}: in the chat's resend window when it has
   * one, else on the database's index) or earlier in this batch, a refusal of its own (an
   * attachment), or a message to store.
   */
  private List<Planned> plan(
      String chatId,
      List<Integer> accepted,
      List<MessageStore.SendRequest> sends,
      List<GroupCommit.Outcome<MessageStore.Sent>> outcomes,
      boolean lookUpTempIds,
      RecentTempKeys recent) {
    List<Planned> planned = new ArrayList<>(accepted.size());
    Map<String, Planned> byTempId = new HashMap<>();
    for (int i : accepted) {
      MessageStore.SendRequest send = sends.get(i);
      ClientEvent.SendMessage cmd = send.command();
      String tempKey = tempKey(send.userId(), cmd.tempId());
      Long key = null;
      if (tempKey != null) {
        Planned first = byTempId.get(tempKey); // the same tempId again in this batch
        if (first != null) {
          first.resends().add(i);
          continue;
        }
        key = tempKeys.of(chatId, send.userId(), cmd.tempId());
        if (recent != null) {
          Message stored = inWindow(recent, chatId, send.userId(), cmd.tempId(), key);
          if (stored != null) {
            outcomes.set(i, GroupCommit.Outcome.of(MessageStore.duplicate(stored)));
            continue;
          }
        } else if (lookUpTempIds) {
          SendRows.Earlier stored = rows.byTempId(chatId, send.userId(), cmd.tempId(), key);
          if (stored.message() != null) {
            outcomes.set(i, GroupCommit.Outcome.of(MessageStore.duplicate(stored.message())));
            continue;
          }
          if (stored.keyTaken()) {
            key = null; // another tempId's key: stored without one
          }
        }
        // Without lookups, a key stored before is refused by the unique index, and the caller
        // writes the batch again with them.
      }
      MessageType type = cmd.messageType() == null ? MessageType.TEXT : cmd.messageType();
      List<AttachmentRecord> files;
      try {
        files = attachmentsToSend(send.userId(), type, cmd.attachments());
      } catch (RequestRefused refused) {
        outcomes.set(i, GroupCommit.Outcome.failed(refused));
        continue;
      }
      Planned p = new Planned(i, key, type, files, new ArrayList<>(0));
      planned.add(p);
      if (tempKey != null) {
        byTempId.put(tempKey, p);
      }
    }
    return planned;
  }

  /**
   * The message this sender stored under this tempId within the chat's window, or null: each seq
   * the window holds under the key is read and checked (it may be another tempId's under the same
   * key, or a seq rolled back and handed out again).
   */
  private Message inWindow(
      RecentTempKeys recent, String chatId, String senderId, String tempId, long key) {
    for (long seq : recent.seqsOf(key)) {
      Message stored = rows.atSeq(chatId, seq);
      if (stored != null && stored.senderId().equals(senderId) && tempId.equals(stored.tempId())) {
        return stored;
      }
    }
    return null;
  }

  /**
   * Inserts the planned messages with consecutive seqs from {@code firstSeq}, each with a tempId
   * key entered in the chat's resend window ({@code recent}) when it has one.
   */
  private void store(
      String chatId,
      long firstSeq,
      List<Planned> planned,
      List<MessageStore.SendRequest> sends,
      List<GroupCommit.Outcome<MessageStore.Sent>> outcomes,
      RecentTempKeys recent) {
    long seq = firstSeq;
    long now = clock.millis();
    // Built from what is at hand: the attachments need no decoding, the time one formatting.
    String createdAt = EpochMillis.iso(now);
    for (Planned p : planned) {
      MessageStore.SendRequest send = sends.get(p.item());
      ClientEvent.SendMessage cmd = send.command();
      String content = cmd.content() == null ? "" : cmd.content();
      // The metadata is copied into the message: history and replay show it without another query.
      List<Attachment> metadata = p.files().stream().map(AttachmentRecord::metadata).toList();
      Message message =
          new Message(
              RowIds.next(),
              chatId,
              send.userId(),
              content,
              p.type(),
              metadata.isEmpty() ? "[]" : EventEncoder.data(metadata),
              cmd.tempId(),
              now,
              seq++);
      Long storedKey = rows.insert(message, p.key());
      if (recent != null && storedKey != null) {
        // Entered before the commit: should it roll back, the seq read back is another message's.
        recent.add(storedKey, message.seq(), now);
      }
      // An upload named twice in one message is linked, and journaled, once.
      List<String> fileIds = p.files().stream().map(AttachmentRecord::id).distinct().toList();
      if (!fileIds.isEmpty()) {
        // The links reference the message row: it must be inserted first.
        rows.flushMessages();
        rows.link(message.id(), chatId, fileIds);
      }
      ServerEvent.NewMessage event = MessageStore.newMessageEvent(message, metadata, createdAt);
      JournaledSend written = new JournaledSend(message, storedKey, fileIds);
      outcomes.set(
          p.item(),
          GroupCommit.Outcome.of(
              new MessageStore.Sent(MessageStore.ack(message, createdAt), event, false, written)));
      for (int resend : p.resends()) {
        outcomes.set(resend, GroupCommit.Outcome.of(MessageStore.duplicate(message)));
      }
    }
  }

  private static void refuseChat(
      List<Integer> items, List<GroupCommit.Outcome<MessageStore.Sent>> outcomes) {
    items.forEach(
        i -> outcomes.set(i, GroupCommit.Outcome.failed(RequestRefused.notFound("chat"))));
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
