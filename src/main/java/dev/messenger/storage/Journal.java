package dev.messenger.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An append-only log of commits that the database holds in memory but may not have written out yet.
 * Appending a commit's rows here (one {@code write} to the operating system, like H2's own store
 * write) makes it survive a killed server for far less than writing the database's store out after
 * every commit: H2 rewrites every B-tree page the commit touched (about 12 KB per message on the
 * send path, against the 0.2 KB appended here), and its own background writer folds many commits
 * into one store write instead.
 *
 * <p>Files are {@code journal-<n>.log} in one directory, each a sequence of entries {@code [length
 * int][CRC32C int][payload]}. The owner {@link #rotate() rotates} now and then: it starts a new
 * file, has the database write its store out (every entry of the earlier files belongs to a commit
 * made before that), then {@link #deleteBefore deletes} the earlier files once that write has had
 * time to reach the file (the send path waits for its next write-out: H2's CHECKPOINT can return
 * while its own writer is still writing). At start, the entries of the files left from the last run
 * are replayed into the database by the owner: a server that was killed left there the commits its
 * store may lack. An entry cut short by the kill (a torn tail) fails its length or checksum; it was
 * never acknowledged, and reading stops there.
 *
 * <p>Why written here rather than taken from a library: H2's MVStore has no write-ahead log, and
 * the few lines of framing below are all this needs.
 */
public final class Journal implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("journal-(\\d+)\\.log");
  private static final int HEADER = 8;

  /** Entries read back from earlier files, and how many files ended in a torn entry. */
  public record Earlier(List<byte[]> entries, int tornFiles) {}

  private final Path dir;
  private FileChannel current;
  private long currentNumber;
  private long bytesInCurrent;

  private Journal(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens the journal in {@code dir} (created if missing) with a new file for appends, after any
   * files already there.
   */
  public static Journal open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Journal journal = new Journal(dir);
    long last = 0;
    for (Path file : files(dir)) {
      last = Math.max(last, number(file));
    }
    journal.startFile(last + 1);
    return journal;
  }

  /** The number of the file appends go to now; every earlier file has a lower one. */
  public synchronized long currentNumber() {
    return currentNumber;
  }

  /** Bytes appended to the current file. */
  public synchronized long bytesInCurrent() {
    return bytesInCurrent;
  }

  /**
   * Appends the payload's remaining bytes as one entry. Returns once the operating system has it,
   * so a killed server keeps it; it is not forced to the device (neither is H2's store: an
   * operating system crash may lose the last writes of either). The header and the payload go in
   * one gathering write, without a copy of the payload.
   */
  public synchronized void append(ByteBuffer payload) throws IOException {
    if (current == null) {
      throw new IOException("journal closed");
    }
    int length = payload.remaining();
    CRC32C crc = new CRC32C();
    crc.update(payload.duplicate());
    ByteBuffer header = ByteBuffer.allocate(HEADER).putInt(length).putInt((int) crc.getValue());
    ByteBuffer[] entry = {header.flip(), payload};
    long left = HEADER + (long) length;
    while (left > 0) {
      left -= current.write(entry);
    }
    bytesInCurrent += HEADER + length;
  }

  /**
   * Starts a new file for appends. Every entry appended before this call is in a file numbered
   * below the returned number: once the database has written out what was committed so far, {@link
   * #deleteBefore} those files.
   */
  public synchronized long rotate() throws IOException {
    FileChannel previous = current;
    startFile(currentNumber + 1);
    previous.close();
    return currentNumber;
  }

  /** The entries of every file numbered below {@code number}, in append order. */
  public Earlier entriesBefore(long number) throws IOException {
    return read(dir, number);
  }

  /**
   * The entries of every file in {@code dir}, in append order, without opening the journal (which
   * starts a file of its own): for a look at a journal that another owner has open.
   */
  public static Earlier readAll(Path dir) throws IOException {
    return read(dir, Long.MAX_VALUE);
  }

  private static Earlier read(Path dir, long number) throws IOException {
    List<byte[]> entries = new ArrayList<>();
    int torn = 0;
    for (Path file : files(dir)) {
      if (number(file) < number && !read(Files.readAllBytes(file), entries)) {
        torn++;
      }
    }
    return new Earlier(entries, torn);
  }

  /** Deletes the files numbered below {@code number}. */
  public void deleteBefore(long number) throws IOException {
    for (Path file : files(dir)) {
      if (number(file) < number) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  /**
   * Adds the file's whole entries to {@code entries}; false when it ends in a torn one (a write cut
   * short), whose bytes and anything after are ignored.
   */
  static boolean read(byte[] file, List<byte[]> entries) {
    ByteBuffer in = ByteBuffer.wrap(file);
    while (in.remaining() >= HEADER) {
      int length = in.getInt();
      int checksum = in.getInt();
      if (length < 0 || length > in.remaining()) {
        return false;
      }
      byte[] payload = new byte[length];
      in.get(payload);
      CRC32C crc = new CRC32C();
      crc.update(payload);
      if ((int) crc.getValue() != checksum) {
        return false;
      }
      entries.add(payload);
    }
    return !in.hasRemaining();
  }

  private void startFile(long number) throws IOException {
    current =
        FileChannel.open(
            dir.resolve("journal-" + number + ".log"),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
    currentNumber = number;
    bytesInCurrent = 0;
  }

  /** The journal's files, in number order. */
  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> listing = Files.list(dir)) {
      return listing
          .filter(f -> NAME.matcher(f.getFileName().toString()).matches())
          .sorted((a, b) -> Long.compare(number(a), number(b)))
          .toList();
    }
  }

  private static long number(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a journal file: " + file);
    }
    return Long.parseLong(m.group(1));
  }
}
