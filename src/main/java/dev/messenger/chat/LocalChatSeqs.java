package dev.messenger.chat;

import dev.messenger.protocol.RequestRefused;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Each chat's last seq kept in memory, where this node alone writes the database (embedded H2):
 * taking a seq then costs no statement on the chat's row. That {@code UPDATE} was about 6 KB of the
 * 38-39 KB the node allocated per message, and up to a fifth of the group-commit writer's time
 * (bench/README.md, "What the chat row's UPDATE costs"). Where several nodes may write the database
 * (PostgreSQL, H2 over TCP) the row stays the only source of seqs: {@link #enabled()} is false and
 * nobody asks.
 *
 * <p>The row lock's guarantees are kept here. A chat's lock is held from the moment a seq is taken
 * until the transaction that took it ends ({@link Lease#end}), so a chat's changes commit in seq
 * order; readers get the head of committed transactions only ({@link #committed}), so a replay
 * bounded by it never misses a seq that commits later. A rollback gives its seqs back: the log
 * stays gap-free. Writers that lock several chats take them in chat id order, as they took the
 * rows.
 *
 * <p>A head is seeded on first use from the database ({@link #SEED}: the greatest of the row's
 * {@code last_seq} and the seqs stored in messages and chat events), and never before {@link
 * #open()}: the send journal's replay at start-up restores messages with their seqs, and a head
 * seeded before it would hand those seqs out again. Until then locks are refused and readers get
 * the database's value. Chats are never deleted, so a head is never dropped (about 100 bytes a chat
 * that has been used since start).
 *
 * <p>Beside each head, under the same lock, the chat's resend window ({@link RecentTempKeys}, when
 * the send path keeps one): its messages of the last minutes by tempId key, loaded from the chat's
 * last messages on the first send since start and expired by the writer and by {@link
 * #expireRecent}.
 */
@ApplicationScoped
public class LocalChatSeqs {
  /**
   * One row for an existing chat: its row's {@code last_seq}, and the greatest seq stored in
   * messages and in chat events (null when none; both indexed by chat and seq). Parameter: chat id.
   */
  static final String SEED =
      "SELECT c.last_seq,"
          + " (SELECT MAX(m.seq) FROM messages m WHERE m.chat_id = c.id),"
          + " (SELECT MAX(e.seq) FROM chat_events e WHERE e.chat_id = c.id)"
          + " FROM chats c WHERE c.id = ?";

  /** A chat's last seq as the database holds it, or null when there is no such chat. */
  @FunctionalInterface
  public interface Seed {
    Long lastSeqOf(String chatId);
  }

  @Resource(lookup = "jdbc/messenger")
  DataSource database;

  /** How long a writer waits for a chat another transaction holds, as H2's LOCK_TIMEOUT did. */
  long lockTimeoutMillis = 10_000;

  private final ConcurrentHashMap<String, Head> heads = new ConcurrentHashMap<>();
  private volatile boolean open;
  private volatile long recentMessages;

  /** Null until known: decided on the first call, from the data source's URL. */
  private volatile Boolean enabled;

  /** For tests: heads kept here ({@code true}) or not, open at once. */
  public static LocalChatSeqs forTests(boolean enabled) {
    LocalChatSeqs seqs = new LocalChatSeqs();
    seqs.enabled = enabled;
    seqs.open = true;
    return seqs;
  }

  /**
   * True when this node alone writes the database: an embedded H2 database (a file or memory of
   * this process), which no other process can open while this one has it.
   */
  public boolean enabled() {
    Boolean known = enabled;
    if (known == null) {
      try (Connection connection = database.getConnection()) {
        known = embeddedH2(connection.getMetaData().getURL());
      } catch (SQLException e) {
        throw new PersistenceException("chat seqs: reading the database's URL failed", e);
      }
      enabled = known;
    }
    return known;
  }

  static boolean embeddedH2(String url) {
    return url != null
        && url.startsWith("jdbc:h2:")
        && !url.startsWith("jdbc:h2:tcp:")
        && !url.startsWith("jdbc:h2:ssl:");
  }

  /** Heads may be seeded from now on: the send journal's replay has run, or there was none. */
  public void open() {
    open = true;
  }

  /**
   * Locks the chat's seq until {@link Lease#end}; waits while another transaction holds it.
   *
   * @return null when there is no such chat
   * @throws RequestRefused OVERLOADED while the node is starting ({@link #open()} not called yet)
   * @throws PersistenceException when the chat stayed locked past the timeout
   */
  public Lease lock(String chatId, Seed seed) {
    if (!open) {
      throw RequestRefused.overloaded("the node is starting: try again in a moment", 1000);
    }
    Head head = headOf(chatId, seed);
    if (head == null) {
      return null;
    }
    try {
      if (!head.lock.tryAcquire(lockTimeoutMillis, TimeUnit.MILLISECONDS)) {
        throw new PersistenceException(
            "chat " + chatId + ": its seq stayed locked for " + lockTimeoutMillis + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PersistenceException("chat " + chatId + ": interrupted waiting for its seq", e);
    }
    return new Lease(head);
  }

  /**
   * The chat's last committed seq; null when there is no such chat. Never a seq taken by a
   * transaction that has not ended.
   */
  public Long committed(String chatId, Seed seed) {
    if (!open) {
      return seed.lastSeqOf(chatId);
    }
    Head head = headOf(chatId, seed);
    return head == null ? null : head.committed;
  }

  private Head headOf(String chatId, Seed seed) {
    Head head = heads.get(chatId);
    if (head != null) {
      return head;
    }
    Long seeded = seed.lastSeqOf(chatId);
    if (seeded == null) {
      return null;
    }
    // Two first users may both read the database; no seq can have been taken in between (taking
    // one needs the head), so whichever head lands first is right and the other is dropped.
    return heads.computeIfAbsent(chatId, id -> new Head(seeded));
  }

  /**
   * Forgets the messages stored before {@code cutoffMillis} from every chat's resend window,
   * skipping a chat a transaction holds (its writer expires it as it adds); a chat left with none
   * gives its memory back. Returns how many messages the windows of the chats it saw still hold.
   */
  public long expireRecent(long cutoffMillis) {
    long left = 0;
    for (Head head : heads.values()) {
      if (!head.lock.tryAcquire()) {
        continue;
      }
      try {
        RecentTempKeys recent = head.recent;
        if (recent != null) {
          recent.expire(cutoffMillis);
          if (recent.size() == 0) {
            head.recent = null;
          }
          left += recent.size();
        }
      } finally {
        head.lock.release();
      }
    }
    recentMessages = left;
    return left;
  }

  /**
   * What the resend windows held at the last {@link #expireRecent}, less the chats a transaction
   * held at that moment (those of the batches being committed then).
   */
  public long recentMessages() {
    return recentMessages;
  }

  /** The chats one transaction holds, each locked once however many seqs it takes. */
  public Held held(Seed seed) {
    return new Held(seed);
  }

  /** The leases of one transaction, seeded through its connection or entity manager. */
  public final class Held {
    private final Seed seed;
    private final Map<String, Lease> leases = new HashMap<>();

    private Held(Seed seed) {
      this.seed = seed;
    }

    /** The chat's lease, locking it on first use; null when there is no such chat. */
    public Lease lock(String chatId) {
      Lease lease = leases.get(chatId);
      if (lease == null) {
        lease = LocalChatSeqs.this.lock(chatId, seed);
        if (lease != null) {
          leases.put(chatId, lease);
        }
      }
      return lease;
    }

    /** The chat's last committed seq (not this transaction's); null when there is no such chat. */
    public Long committed(String chatId) {
      return LocalChatSeqs.this.committed(chatId, seed);
    }

    /** The transaction has ended: publishes (committed) or gives back every lease's seqs. */
    public void end(boolean committed) {
      for (Lease lease : leases.values()) {
        lease.end(committed);
      }
      leases.clear();
    }

    /**
     * The transaction was rolled back: gives every lease's seqs back with the chat's last seq read
     * again through the seed (see {@link Lease#endRolledBack}); a chat the seed cannot read keeps
     * its head.
     */
    public void endRolledBack() {
      for (Map.Entry<String, Lease> held : leases.entrySet()) {
        Long fromDatabase;
        try {
          fromDatabase = seed.lastSeqOf(held.getKey());
        } catch (RuntimeException e) {
          fromDatabase = null; // the connection cannot tell: the reason the batch failed, perhaps
        }
        held.getValue().endRolledBack(fromDatabase);
      }
      leases.clear();
    }
  }

  /** The seqs one transaction takes in one chat; ended exactly once, when the transaction ends. */
  public static final class Lease {
    private final Head head;
    private long taken;
    private boolean ended;

    private Lease(Head head) {
      this.head = head;
    }

    /** The chat's last seq, counting those taken by this lease. */
    public long last() {
      return head.committed + taken;
    }

    /** Takes the next {@code count} seqs; returns the last of them. */
    public long take(int count) {
      taken += count;
      return last();
    }

    /**
     * The chat's messages of the resend window, for the holder of this lease only: loaded by {@code
     * load} (from the chat's last messages) on the first call since start, kept from then on.
     */
    public RecentTempKeys recent(Supplier<RecentTempKeys> load) {
      if (!head.recentLoaded) {
        head.recent = load.get();
        head.recentLoaded = true;
      }
      if (head.recent == null) {
        head.recent = new RecentTempKeys();
      }
      return head.recent;
    }

    /** Gives back the last {@code count} seqs taken, unused. */
    public void giveBack(int count) {
      if (count > taken) {
        throw new IllegalStateException("gave back more seqs than were taken");
      }
      taken -= count;
    }

    /**
     * Publishes the seqs taken (committed) or drops them (rolled back), and unlocks the chat. Only
     * the first call counts.
     */
    public void end(boolean committed) {
      if (ended) {
        return;
      }
      ended = true;
      if (committed) {
        head.committed += taken;
      }
      head.lock.release();
    }

    /**
     * Ends a rolled-back transaction with the chat's last seq read from the database after the
     * rollback (null: not read), and unlocks the chat. While this lease holds the chat, the
     * database has every seq committed and nothing in flight, so its value is the truth: it
     * corrects the head even in the case a failed commit leaves in doubt (reported failed, yet
     * done).
     */
    public void endRolledBack(Long fromDatabase) {
      if (ended) {
        return;
      }
      ended = true;
      if (fromDatabase != null) {
        head.committed = fromDatabase;
      }
      head.lock.release();
    }
  }

  private static final class Head {
    /**
     * A semaphore, not a lock: a transaction may end on another thread than the one it began on.
     */
    final Semaphore lock = new Semaphore(1);

    /** Written only by the holder of {@link #lock}. */
    volatile long committed;

    /**
     * Read and written only by the holder of {@link #lock}; null when empty, or not loaded yet
     * ({@link #recentLoaded}).
     */
    RecentTempKeys recent;

    boolean recentLoaded;

    Head(long committed) {
      this.committed = committed;
    }
  }

  /** {@link #SEED} on a JDBC connection (in or out of a transaction). */
  public static Long seedFrom(Connection connection, String chatId) {
    try (PreparedStatement query = connection.prepareStatement(SEED)) {
      query.setString(1, chatId);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          return null;
        }
        return greatest(row.getLong(1), row.getObject(2), row.getObject(3));
      }
    } catch (SQLException e) {
      throw new PersistenceException("chat seqs: reading the last seq of chat " + chatId, e);
    }
  }

  /** {@link #SEED} through an entity manager, in the caller's transaction. */
  public static Long seedFrom(EntityManager em, String chatId) {
    List<?> rows = em.createNativeQuery(SEED).setParameter(1, chatId).getResultList();
    if (rows.isEmpty()) {
      return null;
    }
    Object[] row = (Object[]) rows.get(0);
    return greatest(((Number) row[0]).longValue(), row[1], row[2]);
  }

  private static long greatest(long lastSeq, Object messages, Object events) {
    long greatest = lastSeq;
    for (Object value : new Object[] {messages, events}) {
      if (value != null) {
        greatest = Math.max(greatest, ((Number) value).longValue());
      }
    }
    return greatest;
  }
}
