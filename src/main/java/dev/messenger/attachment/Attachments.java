package dev.messenger.attachment;

import dev.messenger.storage.DurableCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/** {@link AttachmentCatalog} in a JTA transaction per call: a method that returns has committed. */
@ApplicationScoped
@Transactional
public class Attachments {
  @PersistenceContext(unitName = "messenger")
  EntityManager em;

  @DurableCommit
  public void add(AttachmentRecord record) {
    catalog().add(record);
  }

  public Optional<AttachmentRecord> readableBy(String userId, String id) {
    return catalog().readableBy(userId, id);
  }

  @DurableCommit
  public List<String> removeOrphans(long cutoff, int max) {
    return catalog().removeOrphans(cutoff, max);
  }

  private AttachmentCatalog catalog() {
    return new AttachmentCatalog(em);
  }
}
