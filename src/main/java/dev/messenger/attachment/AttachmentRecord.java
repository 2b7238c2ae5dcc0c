package dev.messenger.attachment;

import dev.messenger.protocol.Attachment;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The metadata of one uploaded file; the bytes are in {@link AttachmentFiles} under its id. */
@Entity
@Table(name = "attachments")
public class AttachmentRecord {
  @Id
  @Column(name = "id", length = 36)
  private String id;

  @Column(name = "uploader_id", nullable = false)
  private String uploaderId;

  @Column(name = "name", nullable = false)
  private String name;

  @Column(name = "content_type", nullable = false)
  private String contentType;

  @Column(name = "size_bytes", nullable = false)
  private long size;

  @Column(name = "sha256", nullable = false, length = 64)
  private String sha256;

  @Column(name = "created_at", nullable = false)
  private long createdAt;

  protected AttachmentRecord() {}

  public AttachmentRecord(
      String id,
      String uploaderId,
      String name,
      String contentType,
      long size,
      String sha256,
      long createdAt) {
    this.id = id;
    this.uploaderId = uploaderId;
    this.name = name;
    this.contentType = contentType;
    this.size = size;
    this.sha256 = sha256;
    this.createdAt = createdAt;
  }

  public String id() {
    return id;
  }

  public String uploaderId() {
    return uploaderId;
  }

  public String name() {
    return name;
  }

  public String contentType() {
    return contentType;
  }

  public long size() {
    return size;
  }

  public String sha256() {
    return sha256;
  }

  public long createdAt() {
    return createdAt;
  }

  /** As clients see it, in upload answers and in messages. */
  public Attachment metadata() {
    return new Attachment(id, name, size, contentType, Attachment.urlOf(id));
  }
}
