package dev.messenger.attachment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachmentStorageTest {
  @TempDir Path dir;

  private Path stored(AttachmentFiles files, String id) throws Exception {
    return Files.writeString(files.path(id), "bytes");
  }

  @Test
  void sweepDeletesTheFilesOfTheRemovedRowsOnly() throws Exception {
    AttachmentFiles files = new AttachmentFiles(dir);
    String orphan = UUID.randomUUID().toString();
    String kept = UUID.randomUUID().toString();
    Path orphanFile = stored(files, orphan);
    Path keptFile = stored(files, kept);
    Path crashed =
        Files.writeString(
            Files.createDirectories(dir.resolve(AttachmentFiles.INCOMING)).resolve("upload-1.part"),
            "x");
    Files.setLastModifiedTime(crashed, FileTime.fromMillis(10));

    long[] asked = new long[2];
    int removed =
        AttachmentStorage.sweep(
            files,
            (cutoff, max) -> {
              asked[0] = cutoff;
              asked[1] = max;
              return List.of(orphan);
            },
            1_000);

    assertEquals(1, removed);
    assertEquals(1_000, asked[0]);
    assertEquals(AttachmentStorage.SWEEP_BATCH, asked[1]);
    assertFalse(Files.exists(orphanFile));
    assertTrue(Files.exists(keptFile));
    assertFalse(Files.exists(crashed));
  }

  @Test
  void aFailedRowDeletionTouchesNoFile() throws Exception {
    AttachmentFiles files = new AttachmentFiles(dir);
    Path file = stored(files, UUID.randomUUID().toString());
    assertThrows(
        IllegalStateException.class,
        () ->
            AttachmentStorage.sweep(
                files,
                (cutoff, max) -> {
                  throw new IllegalStateException("database down");
                },
                Long.MAX_VALUE));
    assertTrue(Files.exists(file));
  }
}
