package dev.messenger.attachment;

import dev.messenger.config.MessengerConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * The configured attachment files, upload rules and metadata together: what the REST resource and
 * the cleanup timer use. The folder is created on first use, so a bad path fails uploads, not the
 * application's start.
 */
@ApplicationScoped
public class AttachmentStorage {
  private static final Logger LOG = Logger.getLogger(AttachmentStorage.class.getName());

  /** Where files go on a server that does not set messenger.attachments.dir (not Liberty). */
  static final String FALLBACK_DIR = "attachments";

  /** Orphans deleted per sweep, so one sweep stays short; the next sweep takes the rest. */
  static final int SWEEP_BATCH = 100;

  private final Clock clock = Clock.systemUTC();

  @Inject MessengerConfig config;
  @Inject Attachments attachments;

  private AttachmentFiles files;
  private Uploads uploads;

  @PostConstruct
  void init() {
    Path dir = Path.of(config.attachmentsDir().orElse(FALLBACK_DIR));
    files = new AttachmentFiles(dir);
    uploads =
        new Uploads(
            files,
            AttachmentPolicy.of(config.attachmentsMaxBytes(), config.attachmentsAllowedTypes()),
            clock);
    LOG.info(() -> "Attachments are stored in " + files.root());
  }

  /** A file the user may download. */
  public record Download(AttachmentRecord attachment, Path path) {}

  public AttachmentRecord upload(
      String userId, String contentType, Long contentLength, InputStream body) {
    return uploads.receive(userId, contentType, contentLength, body, attachments::add);
  }

  /** Empty when the attachment does not exist or the user may not see it. */
  public Optional<Download> download(String userId, String id) {
    return attachments
        .readableBy(userId, id)
        .flatMap(
            a -> {
              Path path = files.path(a.id());
              if (!Files.isRegularFile(path)) {
                LOG.warning(() -> "Attachment " + a.id() + " has metadata but no file at " + path);
                return Optional.empty();
              }
              return Optional.of(new Download(a, path));
            });
  }

  /**
   * Deletes uploads older than the orphan TTL that were never sent (or whose messages were all
   * deleted), and temp files of uploads cut off by a crash. Rows go first, in their own
   * transaction, then files: a file is never deleted while its metadata still exists.
   */
  public int sweepOrphans() {
    long ttl = config.attachmentsOrphanTtl().toMillis();
    if (ttl <= 0) {
      return 0;
    }
    return sweep(files, attachments::removeOrphans, clock.millis() - ttl);
  }

  /**
   * One sweep: {@code removeRows(cutoff, max)} deletes orphan rows (committing) and returns their
   * ids; only then are those files deleted. If it fails, no file is touched.
   */
  static int sweep(
      AttachmentFiles files, BiFunction<Long, Integer, List<String>> removeRows, long cutoff) {
    List<String> removed = removeRows.apply(cutoff, SWEEP_BATCH);
    removed.forEach(files::delete);
    files.sweepIncoming(cutoff);
    return removed.size();
  }
}
