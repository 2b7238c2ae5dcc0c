package dev.messenger.message;

import dev.messenger.storage.SchemaMigrated;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Keeps the unique index on the tempId keys (schema V5) where resends are found by it, and only
 * there: a node with a resend window ({@link SendTransactions#windowed()}: embedded H2) drops it at
 * start, a node without one (PostgreSQL, H2 over TCP, or the window set to zero) makes it again if
 * an earlier run dropped it. Why drop it: every message lands at a random leaf of it, which H2
 * reads back from its file; it was half of what storing a message allocated and half of its CPU on
 * H2, and grew with the table (bench/README.md). Done at every start, before sends are taken (the
 * journal's replay, which opens them, observes the same event later).
 */
@ApplicationScoped
public class TempKeyIndex {
  private static final Logger LOG = Logger.getLogger(TempKeyIndex.class.getName());

  static final String NAME = "uq_messages_temp_key";

  @Resource(lookup = "jdbc/messenger")
  DataSource database;

  @Inject SendTransactions sends;

  void atStart(@Observes @Priority(Interceptor.Priority.APPLICATION) SchemaMigrated migrated) {
    boolean windowed = sends.windowed();
    try (Connection connection = database.getConnection()) {
      if (windowed) {
        drop(connection);
      } else {
        int cleared = ensure(connection);
        if (cleared > 0) {
          LOG.warning(
              () ->
                  cleared
                      + " messages resent after the resend window were stored twice while this"
                      + " database had one; the later copies keep no tempId key");
        }
      }
    } catch (SQLException e) {
      throw new PersistenceException("tempId key index could not be set up", e);
    }
  }

  /** Drops the index if it is there. */
  static void drop(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("DROP INDEX IF EXISTS " + NAME);
    }
  }

  /**
   * Makes the index if it is not there. Keys stored twice meanwhile (a resend after the window) are
   * cleared on the later messages first, as a collision's are: they are then found by their strings
   * ({@link SendRows#byTempId}). Returns how many were cleared.
   */
  static int ensure(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      try {
        s.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + NAME + " ON messages (temp_key)");
        return 0;
      } catch (SQLException e) {
        if (!SendRows.isUniqueViolation(e)) {
          throw e;
        }
      }
      // A plain index for the search, so that it is not a scan of the table per row.
      s.execute("CREATE INDEX IF NOT EXISTS ix_messages_temp_key_twice ON messages (temp_key)");
      int cleared =
          s.executeUpdate(
              "UPDATE messages SET temp_key = NULL WHERE temp_key IS NOT NULL AND EXISTS (SELECT 1"
                  + " FROM messages o WHERE o.temp_key = messages.temp_key AND o.id < messages.id)");
      s.execute("DROP INDEX ix_messages_temp_key_twice");
      s.execute("CREATE UNIQUE INDEX " + NAME + " ON messages (temp_key)");
      return cleared;
    }
  }
}
