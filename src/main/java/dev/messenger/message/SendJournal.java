package dev.messenger.message;

import dev.messenger.HotPathSingleton;
import dev.messenger.chat.LocalChatSeqs;
import dev.messenger.config.MessengerConfig;
import dev.messenger.metrics.GatewayMetrics;
import dev.messenger.storage.Journal;
import dev.messenger.storage.SchemaMigrated;
import dev.messenger.storage.StoreCheckpoint;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Makes committed sends durable before they are acknowledged. On embedded H2 with a database file,
 * by appending the batch's rows to a {@link Journal} in {@code <database>.journal/}: H2 commits in
 * memory, and writing its store out after every commit ({@link StoreCheckpoint}, what edits and
 * reactions do) rewrote every B-tree page a message touched, about 12 KB per message and half of
 * the server's CPU at 2,500 messages/s (bench/README.md). Every {@code
 * messenger.send.journal-checkpoint-ms} the writer that comes along starts a new journal file, has
 * H2 write its store out, and deletes the files that were closed at the write-out before; a start
 * replays the files a killed server left. On PostgreSQL (whose commit is durable) and in-memory H2
 * there is no journal.
 *
 * <p>Why a file is kept one period past the write-out that follows it: H2's {@code CHECKPOINT}
 * returns at once when nothing is left to write, also when its own background writer has taken the
 * changes a moment before and is still writing them on H2's threads ({@code MVStore.tryCommit}:
 * "may return BEFORE this thread changes are actually persisted"). A file deleted right after that
 * could take with it sends the store does not have yet. A whole period later they are written (H2's
 * write pipeline is a few chunks deep), and a replay skips what the store has.
 *
 * <p>A batch is appended after its commit and before anyone hears of it (the acknowledgement and
 * the broadcast come after this returns), so whatever a client was told is in the journal or in the
 * store. A message committed but not yet appended when the server died was never acknowledged; its
 * sender resends it.
 */
@HotPathSingleton
public class SendJournal {
  private static final Logger LOG = Logger.getLogger(SendJournal.class.getName());

  /** A journal file this large is rotated before its time is up. */
  private static final long ROTATE_BYTES = 16L << 20;

  @Resource(lookup = "jdbc/messenger")
  DataSource dataSource;

  @Inject StoreCheckpoint checkpoint;
  @Inject MessengerConfig config;
  @Inject GatewayMetrics metrics;
  @Inject LocalChatSeqs chatSeqs;

  @Resource ManagedExecutorService executor;

  /** Null: no journal (PostgreSQL, in-memory H2, switched off, or not opened yet). */
  private volatile Journal journal;

  /**
   * True once {@link #open} has run to the end: a journal left by the last run is replayed, or
   * there is none to keep. Until then sends are refused: one stored before the replay could take a
   * seq that a journaled message already has.
   */
  private volatile boolean settled;

  private final AtomicBoolean rotating = new AtomicBoolean();

  /** Files numbered below this were closed before the last write-out: the next one deletes them. */
  private volatile long deletableBefore;

  private final LongAdder appends = new LongAdder();
  private volatile long rotatedAtNanos;

  /** What a replay found in the journal files of the last run. */
  record Recovered(int restored, int present, int refused) {}

  /**
   * Replays what the last run left in the journal, then journals from now on. Runs once the schema
   * is migrated, before the node takes traffic; a failure fails that start-up step (retried, the
   * node not ready meanwhile) rather than run without the messages the journal holds.
   */
  void open(@Observes SchemaMigrated migrated) {
    if (!config.sendJournal() || journal != null) {
      settle();
      return;
    }
    try {
      Path dir = journalDirectory();
      if (dir == null) {
        settle();
        return;
      }
      Journal opened = Journal.open(dir);
      try {
        long current = opened.currentNumber();
        Journal.Earlier earlier = opened.entriesBefore(current);
        Recovered recovered;
        try (Connection connection = dataSource.getConnection()) {
          recovered = replay(connection, earlier.entries());
        }
        checkpoint.afterCommit();
        // Kept until the next write-out, as a rotation's files are: see the class comment.
        deletableBefore = current;
        if (earlier.tornFiles() > 0 || recovered.restored() > 0 || recovered.refused() > 0) {
          LOG.warning(
              () ->
                  "Send journal "
                      + dir
                      + ": restored "
                      + recovered.restored()
                      + " journaled messages the store lacked ("
                      + recovered.present()
                      + " were stored already, "
                      + recovered.refused()
                      + " refused; "
                      + earlier.tornFiles()
                      + " files ended in a write cut short by the stop)");
        }
      } catch (IOException | SQLException | RuntimeException e) {
        opened.close();
        throw e;
      }
      rotatedAtNanos = System.nanoTime();
      journal = opened;
      settle();
      metrics.gauge(
          "messenger_send_journal_appends",
          "Batches of sends appended to the send journal since start (embedded H2 only)",
          appends::sum);
      LOG.info(() -> "Acknowledged sends are journaled in " + dir);
    } catch (IOException e) {
      throw new UncheckedIOException("send journal could not be opened or replayed", e);
    } catch (SQLException e) {
      throw new IllegalStateException("send journal could not be replayed", e);
    }
  }

  /**
   * The start-up replay is done (or found nothing to do): sends may go, and the chats' heads kept
   * in memory may be seeded (one seeded before the replay would hand out seqs of restored
   * messages).
   */
  private void settle() {
    chatSeqs.open();
    settled = true;
  }

  /** False until the start-up replay is done (or found nothing to do): sends must wait. */
  public boolean settled() {
    return settled;
  }

  /**
   * Makes a committed batch durable: appends its new messages to the journal, or without one has
   * the store written out.
   *
   * @throws IllegalStateException when neither worked: the batch must not be acknowledged
   */
  public void committed(List<GroupCommit.Outcome<MessageStore.Sent>> outcomes) {
    Journal j = journal;
    if (j == null) {
      checkpoint.afterCommit();
      return;
    }
    List<JournaledSend> written = new ArrayList<>(outcomes.size());
    for (GroupCommit.Outcome<MessageStore.Sent> outcome : outcomes) {
      if (outcome.ok() && outcome.value().written() != null) {
        written.add(outcome.value().written());
      }
    }
    if (written.isEmpty()) {
      return; // refusals and resends wrote nothing
    }
    try {
      j.append(JournaledSend.encode(written));
      appends.increment();
    } catch (IOException e) {
      if (journal == null) {
        checkpoint.afterCommit(); // closed under us: the application is stopping
        return;
      }
      // What follows a failed append could sit behind a torn entry, which a replay stops at: no
      // more appends to this journal. The store written out keeps this batch and the earlier ones.
      journal = null;
      LOG.log(
          Level.SEVERE,
          "Send journal append failed; sends are written out per commit from now on (slower)",
          e);
      checkpoint.afterCommit();
      return;
    }
    rotateWhenDue(j);
  }

  /**
   * Once a period (or a file size) is up: a new file, then the store written out (every entry of
   * the earlier files belongs to a commit made before) and the files closed at the write-out before
   * deleted. The writer that comes along starts the new file (an idle node does nothing); the store
   * is written out on another thread, so that its tens of milliseconds do not hold up the sends
   * behind. A failure leaves the files, which the next rotation or start deals with.
   */
  private void rotateWhenDue(Journal j) {
    long now = System.nanoTime();
    boolean due =
        now - rotatedAtNanos >= config.sendJournalCheckpoint().toNanos()
            || j.bytesInCurrent() >= ROTATE_BYTES;
    if (!due || !rotating.compareAndSet(false, true)) {
      return;
    }
    long next;
    try {
      next = j.rotate();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Send journal rotation failed; its files are kept", e);
      rotated();
      return;
    }
    try {
      executor.execute(() -> writeOutBefore(j, next));
    } catch (RejectedExecutionException e) {
      writeOutBefore(j, next); // a pool that refuses work (shutting down): here, then
    }
  }

  private void writeOutBefore(Journal j, long next) {
    try {
      checkpoint.afterCommit();
      j.deleteBefore(deletableBefore);
      deletableBefore = next;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "Send journal rotation failed; its files are kept", e);
    } finally {
      rotated();
    }
  }

  private void rotated() {
    rotatedAtNanos = System.nanoTime();
    rotating.set(false);
  }

  @PreDestroy
  void close() {
    Journal j = journal;
    journal = null;
    if (j != null) {
      try {
        j.close();
      } catch (IOException e) {
        LOG.log(Level.FINE, "closing the send journal", e);
      }
    }
  }

  /** {@code <database file>.journal} on H2 with a file; null on anything else. */
  private Path journalDirectory() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      if (!"H2".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName())) {
        return null;
      }
      try (Statement statement = connection.createStatement();
          ResultSet path = statement.executeQuery("SELECT DATABASE_PATH()")) {
        String database = path.next() ? path.getString(1) : null;
        return database == null ? null : Path.of(database + ".journal");
      }
    }
  }

  /**
   * Writes the journaled messages the database lacks, in one transaction: the message rows (with
   * their tempId keys), their attachment links, and each chat's last seq. A message stored already
   * is left as it is (it may have been edited or deleted since). One whose seq another message took
   * cannot happen while sends wait for this replay; it is refused and logged, not forced in.
   */
  static Recovered replay(Connection connection, List<byte[]> entries) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    int restored = 0;
    int present = 0;
    int refused = 0;
    try (PreparedStatement byId =
            connection.prepareStatement("SELECT 1 FROM messages WHERE id = ?");
        PreparedStatement bySeq =
            connection.prepareStatement("SELECT 1 FROM messages WHERE chat_id = ? AND seq = ?");
        PreparedStatement link =
            connection.prepareStatement(
                "INSERT INTO message_attachments (message_id, attachment_id, chat_id)"
                    + " SELECT ?, id, ? FROM attachments WHERE id = ?");
        PreparedStatement lastSeq =
            connection.prepareStatement(
                "UPDATE chats SET last_seq = ? WHERE id = ? AND last_seq < ?");
        SendRows rows = SendRows.on(connection)) {
      Map<String, Long> heads = new HashMap<>();
      for (byte[] entry : entries) {
        for (JournaledSend send : JournaledSend.decode(entry)) {
          Message m = send.message();
          if (exists(byId, m.id())) {
            present++;
            continue;
          }
          bySeq.setString(1, m.chatId());
          bySeq.setLong(2, m.seq());
          if (exists(bySeq)) {
            refused++;
            LOG.severe(
                () ->
                    "Send journal: message "
                        + m.id()
                        + " not restored, seq "
                        + m.seq()
                        + " of chat "
                        + m.chatId()
                        + " is another message's");
            continue;
          }
          rows.insert(m, send.tempKey());
          rows.flushMessages();
          for (String attachmentId : send.attachmentIds()) {
            link.setString(1, m.id());
            link.setString(2, m.chatId());
            link.setString(3, attachmentId);
            link.executeUpdate();
          }
          heads.merge(m.chatId(), m.seq(), Math::max);
          restored++;
        }
      }
      for (Map.Entry<String, Long> head : heads.entrySet()) {
        lastSeq.setLong(1, head.getValue());
        lastSeq.setString(2, head.getKey());
        lastSeq.setLong(3, head.getValue());
        lastSeq.executeUpdate();
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
    return new Recovered(restored, present, refused);
  }

  private static boolean exists(PreparedStatement query, String id) throws SQLException {
    query.setString(1, id);
    return exists(query);
  }

  private static boolean exists(PreparedStatement query) throws SQLException {
    try (ResultSet row = query.executeQuery()) {
      return row.next();
    }
  }
}
