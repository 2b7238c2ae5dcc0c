package dev.messenger.health;

import dev.messenger.storage.DatabaseStartup;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only with a reachable, migrated database: a node without one cannot store a single message.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {
  private static final Logger LOG = Logger.getLogger(DatabaseReadiness.class.getName());

  @Resource(lookup = "jdbc/messenger")
  DataSource dataSource;

  @Inject DatabaseStartup startup;

  @Override
  public HealthCheckResponse call() {
    boolean migrated = startup.ensureMigrated();
    boolean reachable = reachable();
    return HealthCheckResponse.named("database")
        .status(migrated && reachable)
        .withData("migrated", migrated)
        .withData("reachable", reachable)
        .build();
  }

  private boolean reachable() {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      // Being down is the answer this check exists to give, not an error of the check.
      LOG.fine(() -> "Database not reachable: " + e);
      return false;
    }
  }
}
