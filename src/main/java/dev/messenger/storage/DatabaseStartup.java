package dev.messenger.storage;

import dev.messenger.metrics.GatewayMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Migrates the schema at start-up without making the application depend on the database being up: a
 * failure is logged and retried by a timer and by {@link #ensureMigrated()} (readiness calls it),
 * and the readiness check reports DOWN meanwhile.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
// Flyway commits its own work on the connection, which a JTA transaction would forbid.
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DatabaseStartup {
  private static final Logger LOG = Logger.getLogger(DatabaseStartup.class.getName());

  @Resource(lookup = "jdbc/messenger")
  DataSource dataSource;

  private final ReentrantLock migrating = new ReentrantLock();
  private volatile boolean migrated;

  @Inject StoreCheckpoint checkpoint;
  @Inject GatewayMetrics metrics;
  @Inject Event<SchemaMigrated> schemaMigrated;

  @PostConstruct
  void start() {
    metrics.gauge(
        "messenger_db_h2_chunks",
        "Chunks in the embedded H2 store, each with metadata on the heap; levels off while H2"
            + " compacts (0 on PostgreSQL)",
        checkpoint::storeChunks);
    metrics.gauge(
        "messenger_db_h2_checkpoints",
        "Times the gateway wrote the H2 store out, after an acknowledged edit, delete, reaction or"
            + " upload and at each turn of the send journal, since start (0 on PostgreSQL)",
        checkpoint::issued);
    ensureMigrated();
  }

  @Schedule(second = "*/10", minute = "*", hour = "*", persistent = false)
  void retry() {
    ensureMigrated();
  }

  /**
   * True once the schema is up to date. Cheap after the first success; otherwise tries once more,
   * unless another caller is already trying (then false at once rather than queueing behind a dead
   * database).
   */
  public boolean ensureMigrated() {
    if (migrated || !migrating.tryLock()) {
      return migrated;
    }
    try {
      if (!migrated) {
        int applied = new SchemaMigrator(dataSource).migrate();
        schemaMigrated.fire(new SchemaMigrated());
        migrated = true;
        LOG.info(() -> "Database schema up to date (" + applied + " migrations applied now)");
        String problem = checkpoint.settingsProblem();
        if (problem != null) {
          LOG.warning(problem);
        }
      }
    } catch (RuntimeException e) {
      // Flyway and the pool report an unreachable database as runtime exceptions; the timer
      // retries.
      LOG.warning(
          () -> "Database start-up (schema migration, journal replay) failed, will retry: " + e);
      LOG.log(Level.FINE, "Migration failure", e);
    } finally {
      migrating.unlock();
    }
    return migrated;
  }
}
