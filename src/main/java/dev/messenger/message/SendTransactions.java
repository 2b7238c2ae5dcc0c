package dev.messenger.message;

import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.config.MessengerConfig;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * The group commit's transactions, on a plain JDBC connection of the application's data source
 * instead of a JTA transaction with a JPA entity manager. Why: every statement of a batch of sends
 * is JDBC already ({@link SendRows}); the container transaction around them (its begin and commit,
 * the persistence context and its connection handle) cost about 16 µs of the writer's thread per
 * stored message on H2, an eighth of what storing one costs (bench/README.md). One connection, one
 * local transaction, committed or rolled back here; the connection goes back to the pool with
 * auto-commit on, as the pool handed it out.
 *
 * <p>Committed is not yet durable on H2: the caller hands the outcomes to the {@link SendJournal}
 * before acknowledging them. On PostgreSQL the commit is durable.
 */
@ApplicationScoped
public class SendTransactions {
  @Resource(lookup = "jdbc/messenger")
  DataSource database;

  /** The chats' heads in memory, used when this node alone writes the database. */
  @Inject LocalChatSeqs chatSeqs;

  // Fields, not constants: tests set a clock of their own and make tempId keys collide.
  Clock clock = Clock.systemUTC();
  TempKeys tempKeys = TempKeys.SHA_256;

  /**
   * How long a sent tempId is recognised in memory where the chats' heads are kept here (zero: by
   * the database's unique index, as on a shared database). Zero until configured: the tests that
   * build this class choose.
   */
  Duration resendWindow = Duration.ZERO;

  @Inject
  void configure(MessengerConfig config) {
    resendWindow = config.sendResendWindow();
  }

  /** True when resends are found in each chat's window in memory, not by the database's index. */
  public boolean windowed() {
    return !resendWindow.isZero() && chatSeqs.enabled();
  }

  /**
   * One batch in one transaction, looking each tempId up first ({@link SendBatchWriter#write}). A
   * refusal (not a member, unknown attachment...) is that item's outcome and wrote nothing, so the
   * others still commit; any other failure rolls the whole batch back.
   */
  public List<GroupCommit.Outcome<MessageStore.Sent>> sendAll(
      List<MessageStore.SendRequest> sends) {
    return inTransaction(sends, true);
  }

  /**
   * {@link #sendAll} without looking tempIds up in the database (in a {@link #windowed() window}
   * they are looked up all the same: it costs no statement).
   *
   * @throws SendRows.UniqueKeyTaken when a tempId was stored before: the batch was rolled back
   */
  public List<GroupCommit.Outcome<MessageStore.Sent>> sendAllNew(
      List<MessageStore.SendRequest> sends) {
    return inTransaction(sends, false);
  }

  private List<GroupCommit.Outcome<MessageStore.Sent>> inTransaction(
      List<MessageStore.SendRequest> sends, boolean lookUpTempIds) {
    try (Connection connection = database.getConnection()) {
      connection.setAutoCommit(false);
      BatchSeqs seqs = null;
      boolean windowed = windowed();
      try (SendRows rows =
          windowed ? SendRows.on(connection).withoutUniqueKeys() : SendRows.on(connection)) {
        seqs =
            chatSeqs.enabled()
                ? BatchSeqs.inMemory(
                    chatSeqs, connection, rows, windowed ? resendWindow : Duration.ZERO, clock)
                : BatchSeqs.onRows(rows);
        // In a window, a lookup is a probe of memory: always made (no index would refuse a resend).
        List<GroupCommit.Outcome<MessageStore.Sent>> outcomes =
            new SendBatchWriter(rows, seqs, clock, tempKeys)
                .write(sends, lookUpTempIds || windowed);
        connection.commit();
        seqs.end(true);
        return outcomes;
      } catch (RuntimeException | Error | SQLException failed) {
        rollBack(connection, failed);
        if (seqs != null) {
          seqs.end(false);
        }
        throw failed;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new PersistenceException("send path: transaction failed", e);
    }
  }

  private static void rollBack(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
