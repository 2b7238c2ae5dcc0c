package dev.messenger.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One upload from request to attachment: limits, content checks, then the file and its metadata.
 * Whatever goes wrong, nothing is left on disk: the temp file is deleted, and the final file too if
 * its metadata could not be saved.
 */
public final class Uploads {
  /** The form field that carries the file. */
  public static final String FIELD = "file";

  /**
   * Room for boundaries, part headers and small extra fields on top of the file itself. The whole
   * request body may not exceed the file limit by more than this.
   */
  static final long MULTIPART_OVERHEAD = 64 * 1024;

  private final AttachmentFiles files;
  private final AttachmentPolicy policy;
  private final Clock clock;

  public Uploads(AttachmentFiles files, AttachmentPolicy policy, Clock clock) {
    this.files = files;
    this.policy = policy;
    this.clock = clock;
  }

  public AttachmentPolicy policy() {
    return policy;
  }

  /** What the request carried, before it is checked. */
  private record Incoming(String fileName, String declaredType, AttachmentFiles.Received file) {}

  /**
   * Stores the {@value #FIELD} part of a {@code multipart/form-data} body for {@code uploaderId}
   * and hands its metadata to {@code save} (which must persist it or throw).
   *
   * @param contentLength the request's Content-Length, or null when it is not known (chunked)
   * @throws UploadRefused 400, 413 or 415 for a request the client must change
   */
  public AttachmentRecord receive(
      String uploaderId,
      String contentType,
      Long contentLength,
      InputStream body,
      Consumer<AttachmentRecord> save) {
    MultipartUpload.requireFormData(contentType);
    long requestLimit = policy.maxBytes() + MULTIPART_OVERHEAD;
    if (contentLength != null && contentLength > requestLimit) {
      throw UploadRefused.tooLarge(policy.maxBytes());
    }
    Incoming incoming;
    try {
      incoming =
          MultipartUpload.read(
                  new BoundedInputStream(body, requestLimit),
                  contentType,
                  FIELD,
                  part ->
                      new Incoming(
                          part.fileName(),
                          part.contentType(),
                          files.receive(part.body(), policy.maxBytes())))
              .orElseThrow(
                  () ->
                      UploadRefused.validation("a form field named \"" + FIELD + "\" is required"));
    } catch (IOException e) {
      if (FileTooLarge.in(e)) {
        throw UploadRefused.tooLarge(policy.maxBytes());
      }
      throw UploadRefused.badRequest("the upload could not be read to its end");
    }

    AttachmentFiles.Received file = incoming.file();
    try {
      if (file.size() == 0) {
        throw UploadRefused.validation("the file is empty");
      }
      String type = policy.contentTypeOf(incoming.declaredType(), file.head());
      AttachmentRecord record =
          new AttachmentRecord(
              UUID.randomUUID().toString(),
              uploaderId,
              FileNames.sanitize(incoming.fileName()),
              type,
              file.size(),
              file.sha256(),
              clock.millis());
      store(file, record, save);
      return record;
    } finally {
      files.discard(file);
    }
  }

  private void store(
      AttachmentFiles.Received file, AttachmentRecord record, Consumer<AttachmentRecord> save) {
    try {
      files.commit(file, record.id());
    } catch (IOException e) {
      throw new IllegalStateException("could not store attachment " + record.id(), e);
    }
    boolean saved = false;
    try {
      save.accept(record);
      saved = true;
    } finally {
      if (!saved) {
        files.delete(record.id());
      }
    }
  }
}
