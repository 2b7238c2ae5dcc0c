package dev.messenger.attachment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.storage.TestClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadsTest {
  private static final long MAX = 100_000;

  @TempDir Path dir;
  private final TestClock clock = new TestClock(Instant.parse("2025-03-04T05:06:07Z"));
  private final List<AttachmentRecord> saved = new ArrayList<>();

  private Uploads uploads() {
    return new Uploads(
        new AttachmentFiles(dir),
        AttachmentPolicy.of(
            MAX, List.of("image/png", "image/jpeg", "application/pdf", "text/plain")),
        clock);
  }

  private AttachmentRecord upload(byte[] body) {
    return upload(Multipart.CONTENT_TYPE, (long) body.length, new ByteArrayInputStream(body));
  }

  private AttachmentRecord upload(String contentType, Long length, InputStream body) {
    return uploads().receive("alice", contentType, length, body, saved::add);
  }

  private UploadRefused refused(byte[] body) {
    return assertThrows(UploadRefused.class, () -> upload(body));
  }

  /** Every regular file under the storage folder, temp files included. */
  private List<Path> filesLeft() {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void assertRefusedLeavingNothing(UploadRefused r, int status, String code) {
    assertEquals(status, r.status(), r::getMessage);
    assertEquals(code, r.code(), r::getMessage);
    assertEquals(List.of(), filesLeft());
    assertEquals(List.of(), saved);
  }

  @Test
  void storesTheFileUnderItsIdWithItsMetadata() throws Exception {
    byte[] png = Multipart.png(50_000);
    AttachmentRecord a = upload(new Multipart().file("file", "cat.png", "image/png", png).end());

    assertEquals(List.of(a), saved);
    assertEquals("alice", a.uploaderId());
    assertEquals("cat.png", a.name());
    assertEquals("image/png", a.contentType());
    assertEquals(50_000, a.size());
    assertEquals(clock.millis(), a.createdAt());
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png)), a.sha256());
    assertArrayEquals(png, Files.readAllBytes(dir.resolve(a.id())));
    assertEquals(List.of(dir.resolve(a.id())), filesLeft());
  }

  @Test
  void fileOfExactlyTheLimitIsAccepted() {
    AttachmentRecord a =
        upload(new Multipart().file("file", "a.png", "image/png", Multipart.png((int) MAX)).end());
    assertEquals(MAX, a.size());
  }

  @Test
  void fileWithoutAnyLineBreakIsAccepted() {
    byte[] png = Multipart.png(90_000);
    for (int i = Multipart.PNG_HEADER.length; i < png.length; i++) {
      png[i] = 'x';
    }
    AttachmentRecord a = upload(new Multipart().file("file", "a.png", "image/png", png).end());
    assertEquals(90_000, a.size());
  }

  @Test
  void oneByteOverTheLimitIsRefusedAndNothingIsKept() {
    byte[] body =
        new Multipart().file("file", "a.png", "image/png", Multipart.png((int) MAX + 1)).end();
    assertRefusedLeavingNothing(refused(body), 413, "TOO_LARGE");
  }

  @Test
  void hugeStreamWithoutLengthIsCutOffEarly() {
    // A chunked request of unknown length: reading stops soon after the limit, not at the end.
    long[] read = {0};
    byte[] head =
        new Multipart().file("file", "a.png", "image/png", Multipart.PNG_HEADER).truncated();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            long i = read[0]++;
            return i < head.length ? head[(int) i] & 0xFF : 'x';
          }
        };
    UploadRefused r =
        assertThrows(UploadRefused.class, () -> upload(Multipart.CONTENT_TYPE, null, endless));
    assertRefusedLeavingNothing(r, 413, "TOO_LARGE");
    assertTrue(read[0] < MAX + Uploads.MULTIPART_OVERHEAD + 100_000, "read " + read[0]);
  }

  @Test
  void declaredLengthOverTheLimitIsRefusedBeforeReading() {
    InputStream untouchable =
        new InputStream() {
          @Override
          public int read() {
            throw new AssertionError("the body must not be read");
          }
        };
    UploadRefused r =
        assertThrows(
            UploadRefused.class,
            () ->
                upload(Multipart.CONTENT_TYPE, MAX + Uploads.MULTIPART_OVERHEAD + 1, untouchable));
    assertRefusedLeavingNothing(r, 413, "TOO_LARGE");
  }

  @Test
  void typeNotAllowedIs415() {
    byte[] body =
        new Multipart().file("file", "a.zip", "application/zip", new byte[] {'P', 'K', 3, 4}).end();
    UploadRefused r = refused(body);
    assertRefusedLeavingNothing(r, 415, "UNSUPPORTED_TYPE");
    assertEquals(
        "content type application/zip is not allowed; allowed: application/pdf, image/jpeg,"
            + " image/png, text/plain",
        r.getMessage());
  }

  @Test
  void scriptDeclaredAsPngIs415() {
    byte[] script = "<script>alert(document.cookie)</script>".getBytes(StandardCharsets.UTF_8);
    UploadRefused r = refused(new Multipart().file("file", "x.png", "image/png", script).end());
    assertRefusedLeavingNothing(r, 415, "UNSUPPORTED_TYPE");
    assertEquals("the file's content is not image/png", r.getMessage());
  }

  @Test
  void binaryDeclaredAsTextIs415() {
    byte[] binary = {'a', 0, 'b'};
    UploadRefused r = refused(new Multipart().file("file", "a.txt", "text/plain", binary).end());
    assertRefusedLeavingNothing(r, 415, "UNSUPPORTED_TYPE");
  }

  @Test
  void missingTypeOrOctetStreamIsTakenFromTheMagicBytes() {
    byte[] png = Multipart.png(100);
    assertEquals(
        "image/png", upload(new Multipart().file("file", "a", null, png).end()).contentType());
    assertEquals(
        "image/png",
        upload(new Multipart().file("file", "a", "application/octet-stream", png).end())
            .contentType());
    UploadRefused r =
        refused(
            new Multipart()
                .file("file", "a", "application/octet-stream", new byte[] {1, 2, 3})
                .end());
    assertEquals(415, r.status());
  }

  @Test
  void declaredTypeIsNormalised() {
    byte[] text = "hello\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        "text/plain",
        upload(new Multipart().file("file", "a.txt", "Text/Plain; charset=UTF-8", text).end())
            .contentType());
  }

  @Test
  void missingFileFieldIs400() {
    UploadRefused r = refused(new Multipart().field("other", "x").end());
    assertRefusedLeavingNothing(r, 400, "VALIDATION");
    assertEquals("a form field named \"file\" is required", r.getMessage());
  }

  @Test
  void emptyFileIs400AndLeavesNothing() {
    UploadRefused r =
        refused(new Multipart().file("file", "a.png", "image/png", new byte[0]).end());
    assertRefusedLeavingNothing(r, 400, "VALIDATION");
    assertEquals("the file is empty", r.getMessage());
  }

  @Test
  void cutOffBodyIs400AndLeavesNothing() {
    byte[] body =
        new Multipart().file("file", "a.png", "image/png", Multipart.png(5000)).truncated();
    assertRefusedLeavingNothing(refused(body), 400, "BAD_REQUEST");
  }

  @Test
  void requestThatIsNotMultipartIs415() {
    UploadRefused r =
        assertThrows(
            UploadRefused.class,
            () -> upload("application/json", 2L, new ByteArrayInputStream("{}".getBytes())));
    assertRefusedLeavingNothing(r, 415, "UNSUPPORTED_TYPE");
    r = assertThrows(UploadRefused.class, () -> upload(null, 0L, InputStream.nullInputStream()));
    assertEquals(415, r.status());
  }

  @Test
  void multipartWithoutBoundaryIs400() {
    UploadRefused r =
        assertThrows(
            UploadRefused.class,
            () -> upload("multipart/form-data", 0L, InputStream.nullInputStream()));
    assertRefusedLeavingNothing(r, 400, "BAD_REQUEST");
  }

  @Test
  void otherFieldsAreSkippedAndTheFileNameIsSanitised() {
    byte[] pdf = "%PDF-1.7\n...".getBytes(StandardCharsets.US_ASCII);
    AttachmentRecord a =
        upload(
            new Multipart()
                .field("caption", "x".repeat(10_000))
                .file("file", "C:\\Users\\me\\..\\report\u202E.pdf", "application/pdf", pdf)
                .end());
    assertEquals("report.pdf", a.name());
    assertEquals("application/pdf", a.contentType());
  }

  @Test
  void utf8FileNamesSurvive() {
    AttachmentRecord a =
        upload(new Multipart().file("file", "café ☕ 猫.png", "image/png", Multipart.png(64)).end());
    assertEquals("café ☕ 猫.png", a.name());
  }

  @Test
  void aFailedSaveRemovesTheStoredFile() {
    byte[] body = new Multipart().file("file", "a.png", "image/png", Multipart.png(64)).end();
    assertThrows(
        IllegalStateException.class,
        () ->
            uploads()
                .receive(
                    "alice",
                    Multipart.CONTENT_TYPE,
                    (long) body.length,
                    new ByteArrayInputStream(body),
                    record -> {
                      throw new IllegalStateException("database down");
                    }));
    assertEquals(List.of(), filesLeft());
  }
}
