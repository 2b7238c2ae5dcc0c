package dev.messenger.attachment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachmentFilesTest {
  @TempDir Path dir;

  @Test
  void receiveCommitAndDelete() throws Exception {
    AttachmentFiles files = new AttachmentFiles(dir.resolve("not-yet-there"));
    byte[] bytes = Multipart.png(20_000);
    AttachmentFiles.Received received = files.receive(new ByteArrayInputStream(bytes), 20_000);
    assertEquals(20_000, received.size());
    assertEquals(AttachmentFiles.HEAD_BYTES, received.head().length);
    assertTrue(received.temp().startsWith(files.root().resolve(AttachmentFiles.INCOMING)));

    String id = UUID.randomUUID().toString();
    files.commit(received, id);
    assertFalse(Files.exists(received.temp()));
    assertArrayEquals(bytes, Files.readAllBytes(files.path(id)));
    files.discard(received); // harmless after commit
    assertTrue(files.delete(id));
    assertFalse(Files.exists(files.path(id)));
  }

  @Test
  void overTheLimitThrowsAndDeletesTheTempFile() throws Exception {
    AttachmentFiles files = new AttachmentFiles(dir);
    assertThrows(
        FileTooLarge.class, () -> files.receive(new ByteArrayInputStream(new byte[1001]), 1000));
    try (var left = Files.list(dir.resolve(AttachmentFiles.INCOMING))) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void onlyIssuedIdsArePaths() {
    AttachmentFiles files = new AttachmentFiles(dir);
    for (String bad :
        new String[] {"../etc/passwd", "", "incoming", "A0000000-0000-0000-0000-000000000000"}) {
      assertThrows(IllegalArgumentException.class, () -> files.path(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> files.path(null));
  }

  @Test
  void sweepIncomingRemovesOnlyOldTempFiles() throws Exception {
    AttachmentFiles files = new AttachmentFiles(dir);
    Path incoming = Files.createDirectories(dir.resolve(AttachmentFiles.INCOMING));
    Path old = Files.writeString(incoming.resolve("upload-1.part"), "x");
    Path fresh = Files.writeString(incoming.resolve("upload-2.part"), "x");
    Path other = Files.writeString(incoming.resolve("keep.txt"), "x");
    Files.setLastModifiedTime(old, FileTime.fromMillis(1_000));
    Files.setLastModifiedTime(fresh, FileTime.fromMillis(5_000));
    Files.setLastModifiedTime(other, FileTime.fromMillis(1_000));

    assertEquals(1, files.sweepIncoming(2_000));
    assertFalse(Files.exists(old));
    assertTrue(Files.exists(fresh));
    assertTrue(Files.exists(other));
    assertEquals(0, new AttachmentFiles(dir.resolve("none")).sweepIncoming(2_000));
  }
}
