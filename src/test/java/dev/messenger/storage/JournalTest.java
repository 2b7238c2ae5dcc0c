package dev.messenger.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  @Test
  void anEntryIsWhatLiesBetweenTheBuffersPositionAndLimitNotTheWholeArray() throws IOException {
    Journal journal = Journal.open(dir);
    byte[] array = "..middle..".getBytes(StandardCharsets.UTF_8);
    journal.append(ByteBuffer.wrap(array, 2, 6));
    journal.append(bytes("next"));

    Journal.Earlier earlier = Journal.open(dir).entriesBefore(Long.MAX_VALUE);

    assertEquals(List.of("middle", "next"), strings(earlier.entries()));
    assertEquals(0, earlier.tornFiles());
  }

  @Test
  void whatARunAppendedIsReadBackByTheNextInOrder() throws IOException {
    Journal first = Journal.open(dir);
    first.append(bytes("one"));
    first.rotate();
    first.append(bytes("two"));
    first.append(bytes("three"));
    // Not closed: a killed server does not close its files.

    Journal second = Journal.open(dir);
    Journal.Earlier earlier = second.entriesBefore(second.currentNumber());

    assertEquals(List.of("one", "two", "three"), strings(earlier.entries()));
    assertEquals(0, earlier.tornFiles());
  }

  @Test
  void theFileBeingAppendedToIsNotAnEarlierOne() throws IOException {
    Journal journal = Journal.open(dir);
    journal.append(bytes("now"));

    assertEquals(List.of(), journal.entriesBefore(journal.currentNumber()).entries());
    assertEquals(List.of("now"), strings(journal.entriesBefore(Long.MAX_VALUE).entries()));
  }

  @Test
  void rotationThenDeleteLeavesOnlyWhatCameAfter() throws IOException {
    Journal journal = Journal.open(dir);
    journal.append(bytes("before"));
    long next = journal.rotate();
    journal.append(bytes("after"));

    journal.deleteBefore(next);

    assertEquals(List.of("after"), strings(journal.entriesBefore(Long.MAX_VALUE).entries()));
    assertEquals(1, journalFiles());
    assertEquals(8 + "after".length(), journal.bytesInCurrent());
  }

  @Test
  void anEntryCutShortByAKillIsIgnoredWithWhatFollowsIt() throws IOException {
    Journal journal = Journal.open(dir);
    journal.append(bytes("whole"));
    journal.append(bytes("cut short"));
    journal.close();
    Path file = onlyFile();
    byte[] content = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(content, content.length - 3));

    Journal.Earlier earlier = Journal.open(dir).entriesBefore(Long.MAX_VALUE);

    assertEquals(List.of("whole"), strings(earlier.entries()));
    assertEquals(1, earlier.tornFiles());
  }

  @Test
  void anEntryWhoseBytesChangedFailsItsChecksum() throws IOException {
    Journal journal = Journal.open(dir);
    journal.append(bytes("good"));
    journal.append(bytes("flipped"));
    journal.append(bytes("after"));
    journal.close();
    Path file = onlyFile();
    byte[] content = Files.readAllBytes(file);
    content[8 + 4 + 8 + 2] ^= 0x20; // a byte of "flipped"
    Files.write(file, content);

    Journal.Earlier earlier = Journal.open(dir).entriesBefore(Long.MAX_VALUE);

    assertEquals(List.of("good"), strings(earlier.entries()));
    assertEquals(1, earlier.tornFiles());
  }

  @Test
  void aHeaderCutShortCountsAsTorn() throws IOException {
    Journal journal = Journal.open(dir);
    journal.append(bytes("whole"));
    journal.close();
    Files.write(onlyFile(), new byte[] {0, 0}, StandardOpenOption.APPEND);

    Journal.Earlier earlier = Journal.open(dir).entriesBefore(Long.MAX_VALUE);

    assertEquals(List.of("whole"), strings(earlier.entries()));
    assertEquals(1, earlier.tornFiles());
  }

  @Test
  void anEmptyEntryIsAnEntry() throws IOException {
    Journal journal = Journal.open(dir);
    journal.append(ByteBuffer.allocate(0));

    List<byte[]> entries = journal.entriesBefore(Long.MAX_VALUE).entries();

    assertEquals(1, entries.size());
    assertArrayEquals(new byte[0], entries.get(0));
  }

  @Test
  void aClosedJournalRefusesAppends() throws IOException {
    Journal journal = Journal.open(dir);
    journal.close();

    assertThrows(IOException.class, () -> journal.append(bytes("late")));
  }

  @Test
  void otherFilesInTheDirectoryAreLeftAlone() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "mine");
    Journal journal = Journal.open(dir);
    journal.append(bytes("x"));
    long next = journal.rotate();

    journal.deleteBefore(next);

    assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> strings(List<byte[]> entries) {
    return entries.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  private Path onlyFile() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.filter(f -> f.toString().endsWith(".log")).toList();
      // Reopening adds an empty file for appends; the one with content is the first.
      return all.stream().sorted().findFirst().orElseThrow();
    }
  }

  private long journalFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".log")).count();
    }
  }
}
