package dev.messenger.message;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/**
 * One later change in a chat's ordered event log (an edit, a deletion, a reaction), kept encoded
 * exactly as it is replayed. New messages are not here: each message row is its own {@code
 * new_message} entry (see {@link MessageStore}).
 */
@Entity
@Table(name = "chat_events")
@IdClass(ChatEventRecord.Key.class)
public class ChatEventRecord {
  @Id
  @Column(name = "chat_id", length = 36)
  private String chatId;

  @Id
  @Column(name = "seq")
  private long seq;

  @Column(name = "type", nullable = false, length = 32)
  private String type;

  @Column(name = "message_id", length = 36)
  private String messageId;

  @Column(name = "payload", nullable = false)
  private String payload;

  @Column(name = "created_at", nullable = false)
  private long createdAt;

  protected ChatEventRecord() {}

  public ChatEventRecord(
      String chatId, long seq, String type, String messageId, String payload, long createdAt) {
    this.chatId = chatId;
    this.seq = seq;
    this.type = type;
    this.messageId = messageId;
    this.payload = payload;
    this.createdAt = createdAt;
  }

  void replacePayload(String newPayload) {
    payload = newPayload;
  }

  public String chatId() {
    return chatId;
  }

  public long seq() {
    return seq;
  }

  public String type() {
    return type;
  }

  public String messageId() {
    return messageId;
  }

  public String payload() {
    return payload;
  }

  public long createdAt() {
    return createdAt;
  }

  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String chatId;
    private long seq;

    public Key() {}

    public Key(String chatId, long seq) {
      this.chatId = chatId;
      this.seq = seq;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && seq == k.seq && Objects.equals(chatId, k.chatId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(chatId, seq);
    }
  }
}
