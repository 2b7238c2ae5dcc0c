package dev.messenger.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The bytes of attachments, one file per attachment named by its id in a root folder. An upload is
 * written to {@code incoming/} first (same file system, so the final move is atomic): a reader
 * never sees a partial file, and an aborted upload leaves nothing once its temp file is deleted.
 */
public final class AttachmentFiles {
  private static final Logger LOG = Logger.getLogger(AttachmentFiles.class.getName());
  private static final Pattern ID = Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
  static final String INCOMING = "incoming";
  private static final String TEMP_SUFFIX = ".part";

  /** How many leading bytes of an upload are kept for content checks (magic bytes, text). */
  static final int HEAD_BYTES = 8192;

  private final Path root;
  private final Path incoming;

  public AttachmentFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.incoming = this.root.resolve(INCOMING);
  }

  public Path root() {
    return root;
  }

  /** An upload written to a temp file, not yet an attachment. */
  public record Received(Path temp, long size, String sha256, byte[] head) {}

  /**
   * Copies {@code in} to a new temp file while counting and hashing. More than {@code maxBytes}
   * throws {@link FileTooLarge} at once, deleting the temp file; nothing past the limit is written.
   */
  public Received receive(InputStream in, long maxBytes) throws IOException {
    Files.createDirectories(incoming);
    Path temp = Files.createTempFile(incoming, "upload-", TEMP_SUFFIX);
    boolean done = false;
    try (OutputStream out = Files.newOutputStream(temp)) {
      MessageDigest sha256 = sha256();
      byte[] head = new byte[HEAD_BYTES];
      int headLength = 0;
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      for (int n; (n = in.read(buffer)) != -1; ) {
        total += n;
        if (total > maxBytes) {
          throw new FileTooLarge();
        }
        if (headLength < HEAD_BYTES) {
          int copy = Math.min(n, HEAD_BYTES - headLength);
          System.arraycopy(buffer, 0, head, headLength, copy);
          headLength += copy;
        }
        sha256.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
      done = true;
      return new Received(
          temp, total, HexFormat.of().formatHex(sha256.digest()), Arrays.copyOf(head, headLength));
    } finally {
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Makes the upload the attachment {@code id}, atomically. */
  public void commit(Received received, String id) throws IOException {
    Files.move(received.temp(), path(id), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Drops an upload that did not become an attachment; harmless after {@link #commit}. */
  public void discard(Received received) {
    try {
      Files.deleteIfExists(received.temp());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not delete the upload " + received.temp(), e);
    }
  }

  /** Where the attachment's bytes are; only ids this server issued (UUIDs) are accepted. */
  public Path path(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not an attachment id");
    }
    return root.resolve(id);
  }

  public boolean delete(String id) {
    try {
      return Files.deleteIfExists(path(id));
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not delete attachment file " + id, e);
      return false;
    }
  }

  /**
   * Deletes temp files last written before {@code cutoffMillis}: uploads cut off by a crash.
   * Returns how many went.
   */
  public int sweepIncoming(long cutoffMillis) {
    if (!Files.isDirectory(incoming)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(incoming, "*" + TEMP_SUFFIX)) {
      for (Path temp : temps) {
        if (Files.getLastModifiedTime(temp).toMillis() < cutoffMillis
            && Files.deleteIfExists(temp)) {
          removed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return removed;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
