package dev.messenger.storage;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Makes committed transactions durable on embedded H2, and does nothing on PostgreSQL (whose commit
 * returns once the WAL is flushed).
 *
 * <p>Why: H2 commits in memory and writes its store later. With {@code WRITE_DELAY=0} it writes at
 * every commit, but then it never starts the background thread that compacts the store, and each
 * commit leaves its chunk's metadata on the heap for good (about 250 bytes; 170 MB an hour at 2,500
 * messages/s). With a positive {@code WRITE_DELAY} that thread runs; the write a killed server must
 * not lose is then this {@code CHECKPOINT} ({@code MVStore.commit}: the same write {@code
 * WRITE_DELAY=0} does), issued after each acknowledged commit by {@link DurableCommitInterceptor}
 * (edits, deletes, reactions, chats, uploads), and for sends by their journal ({@code
 * dev.messenger.message.SendJournal}) every {@code messenger.send.journal-checkpoint-ms}, or after
 * each batch when there is none. Concurrent checkpoints queue on H2's store lock, and one that
 * finds the work already written returns at once, so they combine like a group commit.
 *
 * <p>A limit of H2's that this does not close: {@code CHECKPOINT} also returns at once when H2's
 * own background writer took the changes a moment before and is still writing them on its threads
 * ({@code MVStore.tryCommit} hands the write to a pipeline a few chunks deep). An edit acknowledged
 * in those milliseconds is lost if the server is killed before the write ends. Sends are not
 * exposed: their journal files are kept a period past the write-out that covers them.
 */
@ApplicationScoped
public class StoreCheckpoint {
  private static final Logger LOG = Logger.getLogger(StoreCheckpoint.class.getName());

  @Resource(lookup = "jdbc/messenger")
  DataSource dataSource;

  /** Null until the first call has asked the driver which database this is. */
  private volatile Boolean h2;

  private final LongAdder issued = new LongAdder();

  /**
   * Writes out every transaction committed so far.
   *
   * @throws IllegalStateException when the write fails: the caller must not acknowledge
   */
  public void afterCommit() {
    if (Boolean.FALSE.equals(h2)) {
      return;
    }
    try (Connection connection = dataSource.getConnection()) {
      if (!isH2(connection)) {
        return;
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("CHECKPOINT");
      }
      issued.increment();
    } catch (SQLException e) {
      LOG.severe(
          () ->
              "H2 CHECKPOINT failed, so a committed write may not be on disk (the database user"
                  + " must be an H2 admin): "
                  + e);
      throw new IllegalStateException("Committed write could not be made durable", e);
    }
  }

  /** Checkpoints issued since start (on H2; none on PostgreSQL). */
  public long issued() {
    return issued.sum();
  }

  /**
   * Chunks in the H2 store (0 on another database, -1 when it cannot be read). Each holds metadata
   * on the heap; a count that grows with the data instead of levelling off means H2 is not
   * compacting ({@code WRITE_DELAY=0}).
   */
  public long storeChunks() {
    String chunks = h2Setting("info.CHUNK_COUNT");
    if (chunks == null) {
      return Boolean.FALSE.equals(h2) ? 0 : -1;
    }
    try {
      return Long.parseLong(chunks);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Null when the store's settings let H2 compact. An H2 URL written for earlier versions of the
   * gateway says {@code WRITE_DELAY=0} (it was the way to durability then): every commit would
   * leave its metadata on the heap.
   */
  public String settingsProblem() {
    if (!"0".equals(h2Setting("WRITE_DELAY"))) {
      return null;
    }
    return "The H2 URL sets WRITE_DELAY=0: H2 then never compacts, and every commit leaves about 250"
        + " bytes on the heap for good. Set WRITE_DELAY=3000 (the default URL's); the gateway writes"
        + " acknowledged commits out itself.";
  }

  /** A row of H2's INFORMATION_SCHEMA.SETTINGS; null on another database or when unreadable. */
  private String h2Setting(String name) {
    if (Boolean.FALSE.equals(h2)) {
      return null;
    }
    try (Connection connection = dataSource.getConnection()) {
      if (!isH2(connection)) {
        return null;
      }
      try (PreparedStatement query =
          connection.prepareStatement(
              "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
        query.setString(1, name);
        try (ResultSet row = query.executeQuery()) {
          return row.next() ? row.getString(1) : null;
        }
      }
    } catch (SQLException e) {
      return null;
    }
  }

  /** Asks the driver once; every later call knows. */
  private boolean isH2(Connection connection) throws SQLException {
    Boolean known = h2;
    if (known == null) {
      known = "H2".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
      h2 = known;
    }
    return known;
  }
}
