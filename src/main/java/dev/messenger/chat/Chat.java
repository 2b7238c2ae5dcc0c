package dev.messenger.chat;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "chats")
public class Chat {
  @Id
  @Column(name = "id", length = 36)
  private String id;

  @Column(name = "name", length = 200)
  private String name;

  @Column(name = "created_by", nullable = false)
  private String createdBy;

  @Column(name = "created_at", nullable = false)
  private long createdAt;

  // Advanced only by native SQL under the row lock (MessageStore): JPA must never write a stale
  // copy back.
  @Column(name = "last_seq", nullable = false, updatable = false)
  private long lastSeq;

  protected Chat() {}

  public Chat(String id, String name, String createdBy, long createdAt) {
    this.id = id;
    this.name = name;
    this.createdBy = createdBy;
    this.createdAt = createdAt;
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String createdBy() {
    return createdBy;
  }

  public long createdAt() {
    return createdAt;
  }
}
