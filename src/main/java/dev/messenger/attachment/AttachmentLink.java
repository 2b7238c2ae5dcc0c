package dev.messenger.attachment;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** An attachment sent in a message: the members of {@code chatId} may download it. */
@Entity
@Table(name = "message_attachments")
@IdClass(AttachmentLink.Key.class)
public class AttachmentLink {
  @Id
  @Column(name = "message_id", length = 36)
  private String messageId;

  @Id
  @Column(name = "attachment_id", length = 36)
  private String attachmentId;

  @Column(name = "chat_id", nullable = false, length = 36)
  private String chatId;

  protected AttachmentLink() {}

  public AttachmentLink(String messageId, String attachmentId, String chatId) {
    this.messageId = messageId;
    this.attachmentId = attachmentId;
    this.chatId = chatId;
  }

  public String messageId() {
    return messageId;
  }

  public String attachmentId() {
    return attachmentId;
  }

  public String chatId() {
    return chatId;
  }

  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String messageId;
    private String attachmentId;

    public Key() {}

    public Key(String messageId, String attachmentId) {
      this.messageId = messageId;
      this.attachmentId = attachmentId;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(messageId, k.messageId)
          && Objects.equals(attachmentId, k.attachmentId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(messageId, attachmentId);
    }
  }
}
