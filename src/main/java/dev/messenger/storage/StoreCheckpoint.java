package dev.messenger.storage;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
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
 * WRITE_DELAY=0} does), issued after each acknowledged commit by {@link DurableCommitInterceptor}.
 * Concurrent checkpoints queue on H2's store lock, and one that finds the work already written
 * returns at once, so they combine like a group commit.
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
      if (h2 == null) {
        h2 = isH2(connection.getMetaData().getDatabaseProductName());
        if (!h2) {
          return;
        }
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

  /** Checkpoints issued since start: one per acknowledged commit on H2, none on PostgreSQL. */
  public long issued() {
    return issued.sum();
  }

  /**
   * Chunks in the H2 store (0 on another database, -1 when it cannot be read). Each holds metadata
   * on the heap; a count that grows with the data instead of levelling off means H2 is not
   * compacting ({@code WRITE_DELAY=0}).
   */
  public long storeChunks() {
    if (Boolean.FALSE.equals(h2)) {
      return 0;
    }
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      if (!isH2(connection.getMetaData().getDatabaseProductName())) {
        h2 = false;
        return 0;
      }
      try (ResultSet chunks =
          statement.executeQuery(
              "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                  + " WHERE SETTING_NAME = 'info.CHUNK_COUNT'")) {
        return chunks.next() ? Long.parseLong(chunks.getString(1)) : -1;
      }
    } catch (SQLException | NumberFormatException e) {
      return -1;
    }
  }

  static boolean isH2(String databaseProductName) {
    return "H2".equalsIgnoreCase(databaseProductName);
  }
}
