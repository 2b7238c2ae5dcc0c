package dev.messenger.message;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

@Entity
@Table(name = "reactions")
@IdClass(Reaction.Key.class)
public class Reaction {
  @Id
  @Column(name = "message_id", length = 36)
  private String messageId;

  @Id
  @Column(name = "user_id")
  private String userId;

  @Id
  @Column(name = "emoji", length = 64)
  private String emoji;

  @Column(name = "created_at", nullable = false)
  private long createdAt;

  protected Reaction() {}

  public Reaction(String messageId, String userId, String emoji, long createdAt) {
    this.messageId = messageId;
    this.userId = userId;
    this.emoji = emoji;
    this.createdAt = createdAt;
  }

  public String messageId() {
    return messageId;
  }

  public String userId() {
    return userId;
  }

  public String emoji() {
    return emoji;
  }

  public long createdAt() {
    return createdAt;
  }

  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String messageId;
    private String userId;
    private String emoji;

    public Key() {}

    public Key(String messageId, String userId, String emoji) {
      this.messageId = messageId;
      this.userId = userId;
      this.emoji = emoji;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(messageId, k.messageId)
          && Objects.equals(userId, k.userId)
          && Objects.equals(emoji, k.emoji);
    }

    @Override
    public int hashCode() {
      return Objects.hash(messageId, userId, emoji);
    }
  }
}
