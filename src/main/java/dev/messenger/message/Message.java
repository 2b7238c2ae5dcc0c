package dev.messenger.message;

import dev.messenger.protocol.MessageType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "messages")
public class Message {
  @Id
  @Column(name = "id", length = 36)
  private String id;

  @Column(name = "chat_id", nullable = false, length = 36)
  private String chatId;

  @Column(name = "sender_id", nullable = false)
  private String senderId;

  @Column(name = "content")
  private String content;

  @Enumerated(EnumType.STRING)
  @Column(name = "message_type", nullable = false, length = 16)
  private MessageType messageType;

  /** A JSON array of attachments; null once deleted. */
  @Column(name = "attachments")
  private String attachments;

  @Column(name = "temp_id")
  private String tempId;

  @Column(name = "created_at", nullable = false)
  private long createdAt;

  @Column(name = "edited_at")
  private Long editedAt;

  @Column(name = "deleted_at")
  private Long deletedAt;

  @Column(name = "seq", nullable = false)
  private long seq;

  protected Message() {}

  public Message(
      String id,
      String chatId,
      String senderId,
      String content,
      MessageType messageType,
      String attachments,
      String tempId,
      long createdAt,
      long seq) {
    this.id = id;
    this.chatId = chatId;
    this.senderId = senderId;
    this.content = content;
    this.messageType = messageType;
    this.attachments = attachments;
    this.tempId = tempId;
    this.createdAt = createdAt;
    this.seq = seq;
  }

  /** A row as read by plain JDBC (see {@link SendRows}): not managed by any persistence context. */
  static Message stored(
      String id,
      String chatId,
      String senderId,
      String content,
      MessageType messageType,
      String attachments,
      String tempId,
      long createdAt,
      Long editedAt,
      Long deletedAt,
      long seq) {
    Message m =
        new Message(
            id, chatId, senderId, content, messageType, attachments, tempId, createdAt, seq);
    m.editedAt = editedAt;
    m.deletedAt = deletedAt;
    return m;
  }

  void edit(String newContent, long at) {
    content = newContent;
    editedAt = at;
  }

  /** Soft delete: the row stays (its seq anchors replay and history cursors), the text does not. */
  void markDeleted(long at) {
    content = null;
    attachments = null;
    deletedAt = at;
  }

  public boolean deleted() {
    return deletedAt != null;
  }

  public String id() {
    return id;
  }

  public String chatId() {
    return chatId;
  }

  public String senderId() {
    return senderId;
  }

  public String content() {
    return content;
  }

  public MessageType messageType() {
    return messageType;
  }

  public String attachmentsJson() {
    return attachments;
  }

  public String tempId() {
    return tempId;
  }

  public long createdAt() {
    return createdAt;
  }

  public Long editedAt() {
    return editedAt;
  }

  public Long deletedAt() {
    return deletedAt;
  }

  /** The seq of the message's creation event. */
  public long seq() {
    return seq;
  }
}
