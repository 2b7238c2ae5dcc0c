package dev.messenger.storage;

import dev.messenger.message.V5__Message_temp_keys;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Brings the schema up to date with Flyway. The migrations are listed in {@link #MIGRATIONS} and
 * loaded with {@code ClassLoader.getResourceAsStream}, not found by scanning: Flyway's classpath
 * scanner has to understand the URL scheme of the archive (Liberty serves WAR classes as {@code
 * wsjar:} or loose folders), while a plain resource lookup works the same in a JAR, a WAR's
 * WEB-INF/classes and a folder. {@code SchemaMigratorTest} fails when a file in {@code
 * db/migration} is missing from the list.
 */
public class SchemaMigrator {
  /** Every SQL migration, oldest first. Add new files here too. */
  public static final List<String> MIGRATIONS =
      List.of(
          "V1__messenger_schema.sql",
          "V2__attachments.sql",
          "V3__messages_written_once.sql",
          "V4__messages_without_chat_foreign_key.sql");

  /**
   * Migrations written in Java (they compute what SQL cannot do the same way on both databases),
   * interleaved with the files by version.
   */
  public static final List<Class<? extends JavaMigration>> JAVA_MIGRATIONS =
      List.of(V5__Message_temp_keys.class);

  static final String LOCATION = "db/migration";

  private final DataSource dataSource;
  private final ClassLoader migrations;

  public SchemaMigrator(DataSource dataSource) {
    this(dataSource, SchemaMigrator.class.getClassLoader());
  }

  /**
   * Reads the migration files through {@code migrations} (Flyway itself stays on this class's
   * loader).
   */
  public SchemaMigrator(DataSource dataSource, ClassLoader migrations) {
    this.dataSource = dataSource;
    this.migrations = migrations;
  }

  /**
   * Applies the pending migrations and returns how many ran.
   *
   * @throws FlywayException when the database is unreachable or a migration fails
   */
  public int migrate() {
    return migrate("latest");
  }

  /**
   * Applies the pending migrations up to {@code target} (a version, or {@code latest}): an upgrade
   * test starts from an older schema.
   */
  int migrate(String target) {
    Flyway flyway =
        Flyway.configure(SchemaMigrator.class.getClassLoader())
            .dataSource(dataSource)
            .target(target)
            .locations("classpath:" + LOCATION)
            // No callback scanning: it cannot list classpath folders on Liberty and logs an error.
            .callbackLocations(new String[0])
            .resourceProvider(new ListedMigrations(migrations))
            .javaMigrationClassProvider(() -> JAVA_MIGRATIONS)
            .load();
    return flyway.migrate().migrationsExecuted;
  }

  /** Serves {@link #MIGRATIONS} (and nothing else, e.g. no SQL callbacks) to Flyway. */
  private static final class ListedMigrations implements ResourceProvider {
    private final List<LoadableResource> resources = new ArrayList<>();

    ListedMigrations(ClassLoader loader) {
      for (String name : MIGRATIONS) {
        resources.add(new ClasspathMigration(loader, name));
      }
    }

    @Override
    public LoadableResource getResource(String name) {
      return resources.stream()
          .filter(r -> r.getRelativePath().equals(name) || r.getAbsolutePath().equals(name))
          .findFirst()
          .orElse(null);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
      List<LoadableResource> matching = new ArrayList<>();
      for (LoadableResource resource : resources) {
        String name = resource.getFilename();
        if (!name.startsWith(prefix)) {
          continue;
        }
        for (String suffix : suffixes) {
          if (name.endsWith(suffix)) {
            matching.add(resource);
            break;
          }
        }
      }
      return matching;
    }
  }

  private static final class ClasspathMigration extends LoadableResource {
    private final ClassLoader loader;
    private final String fileName;

    ClasspathMigration(ClassLoader loader, String fileName) {
      this.loader = loader;
      this.fileName = fileName;
    }

    @Override
    public Reader read() {
      InputStream in = loader.getResourceAsStream(getAbsolutePath());
      if (in == null) {
        throw new FlywayException("Migration " + getAbsolutePath() + " is not on the classpath");
      }
      return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    @Override
    public String getAbsolutePath() {
      return LOCATION + "/" + fileName;
    }

    @Override
    public String getAbsolutePathOnDisk() {
      return getAbsolutePath();
    }

    @Override
    public String getFilename() {
      return fileName;
    }

    @Override
    public String getRelativePath() {
      return fileName;
    }
  }
}
