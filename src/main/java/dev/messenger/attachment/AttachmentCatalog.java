package dev.messenger.attachment;

import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Attachment metadata and the chats attachments were sent in, on a caller-managed {@link
 * EntityManager} and transaction (like {@code ChatStore}). Callers roll back on any exception.
 */
public class AttachmentCatalog {
  private final EntityManager em;

  public AttachmentCatalog(EntityManager em) {
    this.em = em;
  }

  public void add(AttachmentRecord record) {
    em.persist(record);
  }

  /** A deleted message no longer shares its attachments with the chat. */
  public void unlink(String messageId) {
    em.createQuery("DELETE FROM AttachmentLink l WHERE l.messageId = :message")
        .setParameter("message", messageId)
        .executeUpdate();
  }

  /**
   * The attachment, if the user uploaded it or is a member of a chat where it was sent; otherwise
   * empty, so that outsiders cannot tell it from one that does not exist.
   */
  public Optional<AttachmentRecord> readableBy(String userId, String id) {
    AttachmentRecord a = id == null ? null : em.find(AttachmentRecord.class, id);
    if (a == null || userId == null) {
      return Optional.empty();
    }
    if (a.uploaderId().equals(userId)) {
      return Optional.of(a);
    }
    Long shared =
        em.createQuery(
                "SELECT COUNT(l) FROM AttachmentLink l, ChatMember m"
                    + " WHERE l.attachmentId = :id AND m.chatId = l.chatId AND m.userId = :user",
                Long.class)
            .setParameter("id", id)
            .setParameter("user", userId)
            .getSingleResult();
    return shared > 0 ? Optional.of(a) : Optional.empty();
  }

  /**
   * Deletes up to {@code max} uploads created before {@code cutoff} that are in no message, and
   * returns the ids actually deleted: only their files may go. One row at a time, each guarded by
   * the same condition, so an upload linked meanwhile by a concurrent send is kept.
   */
  public List<String> removeOrphans(long cutoff, int max) {
    List<String> candidates =
        em.createQuery(
                "SELECT a.id FROM AttachmentRecord a WHERE a.createdAt < :cutoff AND NOT EXISTS"
                    + " (SELECT l FROM AttachmentLink l WHERE l.attachmentId = a.id)"
                    + " ORDER BY a.createdAt",
                String.class)
            .setParameter("cutoff", cutoff)
            .setMaxResults(max)
            .getResultList();
    List<String> removed = new ArrayList<>(candidates.size());
    for (String id : candidates) {
      int deleted =
          em.createQuery(
                  "DELETE FROM AttachmentRecord a WHERE a.id = :id AND NOT EXISTS"
                      + " (SELECT l FROM AttachmentLink l WHERE l.attachmentId = a.id)")
              .setParameter("id", id)
              .executeUpdate();
      if (deleted == 1) {
        removed.add(id);
      }
    }
    return removed;
  }
}
