package dev.messenger.storage;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.Persistence;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh database for one test class run: a unique H2 in-memory database or a unique PostgreSQL
 * schema, migrated by the real {@link SchemaMigrator}, with an EclipseLink factory built from the
 * production {@code messenger} unit switched to RESOURCE_LOCAL. PostgreSQL settings: {@code
 * MESSENGER_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}), {@code
 * MESSENGER_TEST_PG_USER} (default {@code postgres}), {@code MESSENGER_TEST_PG_PASSWORD}.
 * Unreachable PostgreSQL skips the tests (see {@link #assumeAvailable()}), or fails them when
 * {@code CI=true}.
 */
public final class TestDatabase implements AutoCloseable {
  // Held so the setting is not garbage-collected with the logger: Flyway's INFO lines drown test
  // output.
  private static final Logger FLYWAY_LOG = quiet("org.flywaydb");

  public enum Kind {
    H2,
    POSTGRESQL
  }

  private final Kind kind;
  private final String url;
  private final String user;
  private final String password;
  private final String schema;
  private final String adminUrl;
  private final EntityManagerFactory emf;
  private final String unavailable;

  /** A PostgreSQL that cannot be reached: every test using it is skipped. */
  private TestDatabase(Kind kind, String unavailable) {
    this.kind = kind;
    this.unavailable = unavailable;
    this.url = null;
    this.user = null;
    this.password = null;
    this.schema = null;
    this.adminUrl = null;
    this.emf = null;
  }

  private TestDatabase(
      Kind kind, String url, String user, String password, String schema, String adminUrl) {
    this.unavailable = null;
    this.kind = kind;
    this.url = url;
    this.user = user;
    this.password = password;
    this.schema = schema;
    this.adminUrl = adminUrl;
    new SchemaMigrator(dataSource()).migrate();
    this.emf =
        Persistence.createEntityManagerFactory(
            "messenger",
            Map.of(
                "jakarta.persistence.transactionType", "RESOURCE_LOCAL",
                "jakarta.persistence.jtaDataSource", "",
                "jakarta.persistence.jdbc.url", url,
                "jakarta.persistence.jdbc.user", user,
                "jakarta.persistence.jdbc.password", password,
                "eclipselink.weaving", "false",
                "eclipselink.logging.level", "WARNING",
                // Enough connections for the concurrency test's writers.
                "eclipselink.connection-pool.default.max", "16"));
  }

  public static TestDatabase open(Kind kind) {
    return kind == Kind.H2 ? openH2() : openPostgres();
  }

  /** A fresh in-memory H2 database. */
  public static TestDatabase openH2() {
    // LOCK_TIMEOUT: concurrent writers of one chat queue on its row lock longer than H2's default 1
    // s.
    String url = "jdbc:h2:mem:t" + unique() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000";
    return new TestDatabase(Kind.H2, url, "sa", "", null, null);
  }

  private static TestDatabase openPostgres() {
    String base = env("MESSENGER_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    String user = env("MESSENGER_TEST_PG_USER", "postgres");
    String password = env("MESSENGER_TEST_PG_PASSWORD", "");
    String schema = "t_" + unique();
    String separator = base.contains("?") ? "&" : "?";
    String adminUrl = base + separator + "connectTimeout=5";
    try (Connection c = DriverManager.getConnection(adminUrl, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      String why = "PostgreSQL not usable at " + base + " as " + user + ": " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + " (CI=true: PostgreSQL tests must run)", e);
      }
      return new TestDatabase(Kind.POSTGRESQL, why);
    }
    String url = base + separator + "currentSchema=" + schema;
    return new TestDatabase(Kind.POSTGRESQL, url, user, password, schema, adminUrl);
  }

  /**
   * Call before each test: skips it (reported as skipped) when this database is unreachable. Done
   * per test because an assumption failing in a class-level callback hides the tests instead of
   * counting them.
   */
  public void assumeAvailable() {
    Assumptions.assumeTrue(unavailable == null, unavailable);
  }

  public Kind kind() {
    return kind;
  }

  public DataSource dataSource() {
    if (kind == Kind.H2) {
      JdbcDataSource ds = new JdbcDataSource();
      ds.setURL(url);
      ds.setUser(user);
      ds.setPassword(password);
      return ds;
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    ds.setUser(user);
    ds.setPassword(password);
    return ds;
  }

  /** Runs {@code work} in its own EntityManager and transaction, as one container call would. */
  public <T> T tx(Function<EntityManager, T> work) {
    EntityManager em = emf.createEntityManager();
    EntityTransaction tx = em.getTransaction();
    try {
      tx.begin();
      T result = work.apply(em);
      tx.commit();
      return result;
    } finally {
      if (tx.isActive()) {
        tx.rollback();
      }
      em.close();
    }
  }

  public void txRun(Consumer<EntityManager> work) {
    tx(
        em -> {
          work.accept(em);
          return null;
        });
  }

  /** A single number from plain JDBC, bypassing JPA entirely. */
  public long queryLong(String sql, Object... args) {
    try (Connection c = dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public String queryString(String sql, Object... args) {
    try (Connection c = dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  @Override
  public void close() {
    if (unavailable != null) {
      return;
    }
    if (emf != null) {
      emf.close();
    }
    try {
      if (kind == Kind.H2) {
        try (Connection c = dataSource().getConnection();
            Statement s = c.createStatement()) {
          s.execute("SHUTDOWN");
        }
      } else {
        try (Connection c = DriverManager.getConnection(adminUrl, user, password);
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test database " + url, e);
    }
  }

  private static Logger quiet(String name) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(Level.WARNING);
    return logger;
  }

  private static String unique() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
