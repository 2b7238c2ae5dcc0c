package dev.messenger.chat;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

@Entity
@Table(name = "chat_members")
@IdClass(ChatMember.Key.class)
public class ChatMember {
  @Id
  @Column(name = "chat_id", length = 36)
  private String chatId;

  @Id
  @Column(name = "user_id")
  private String userId;

  @Column(name = "joined_at", nullable = false)
  private long joinedAt;

  protected ChatMember() {}

  public ChatMember(String chatId, String userId, long joinedAt) {
    this.chatId = chatId;
    this.userId = userId;
    this.joinedAt = joinedAt;
  }

  public String chatId() {
    return chatId;
  }

  public String userId() {
    return userId;
  }

  public long joinedAt() {
    return joinedAt;
  }

  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String chatId;
    private String userId;

    public Key() {}

    public Key(String chatId, String userId) {
      this.chatId = chatId;
      this.userId = userId;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(chatId, k.chatId)
          && Objects.equals(userId, k.userId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(chatId, userId);
    }
  }
}
