package dev.messenger.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigratorTest {
  private static final int ALL_MIGRATIONS =
      SchemaMigrator.MIGRATIONS.size() + SchemaMigrator.JAVA_MIGRATIONS.size();

  @Test
  void everyMigrationFileIsListed() throws IOException, URISyntaxException {
    URL folder = getClass().getClassLoader().getResource(SchemaMigrator.LOCATION);
    try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
      List<String> onDisk =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".sql"))
              .sorted()
              .toList();
      assertEquals(onDisk, SchemaMigrator.MIGRATIONS.stream().sorted().toList());
    }
  }

  @Test
  void migratesFromAPlainJarOnceOnly(@TempDir Path temp) throws IOException {
    Path jar = temp.resolve("migrations.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String name : SchemaMigrator.MIGRATIONS) {
        out.putNextEntry(new JarEntry(SchemaMigrator.LOCATION + "/" + name));
        copyMigration(name, out);
        out.closeEntry();
      }
    }
    DataSource ds = freshH2();
    try (URLClassLoader loader = isolatedLoader(jar)) {
      assertEquals(ALL_MIGRATIONS, new SchemaMigrator(ds, loader).migrate());
      assertEquals(0, new SchemaMigrator(ds, loader).migrate());
    }
    // Same checksum whichever way the file was packaged: the app's own copy validates against it.
    assertEquals(0, new SchemaMigrator(ds).migrate());
  }

  @Test
  void migratesFromALooseFolder(@TempDir Path temp) throws IOException {
    Path dir = Files.createDirectories(temp.resolve(SchemaMigrator.LOCATION));
    for (String name : SchemaMigrator.MIGRATIONS) {
      try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
        copyMigration(name, out);
      }
    }
    try (URLClassLoader loader = isolatedLoader(temp)) {
      assertEquals(ALL_MIGRATIONS, new SchemaMigrator(freshH2(), loader).migrate());
    }
  }

  /**
   * V3 (messages written once): a database from before keeps its edits and reactions in the log but
   * loses the logged copies of new messages, which replay now rebuilds from the messages.
   */
  @Test
  void upgradingToMessagesWrittenOnceDropsOnlyTheLoggedCopiesOfNewMessages() throws Exception {
    DataSource ds = freshH2();
    assertEquals(2, new SchemaMigrator(ds).migrate("2"));
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO chats (id, created_by, created_at, last_seq) VALUES ('c', 'u', 1, 2)");
      s.execute(
          "INSERT INTO messages (id, chat_id, sender_id, content, message_type, created_at, seq)"
              + " VALUES ('m', 'c', 'u', 'hi', 'TEXT', 1, 1)");
      s.execute(
          "INSERT INTO chat_events (chat_id, seq, type, message_id, payload, created_at) VALUES"
              + " ('c', 1, 'new_message', 'm', '{}', 1), ('c', 2, 'message_edited', 'm', '{}', 2)");
    }

    assertEquals(1, new SchemaMigrator(ds).migrate("3"));

    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT seq, type FROM chat_events")) {
      assertTrue(rows.next());
      assertEquals(2, rows.getLong(1));
      assertEquals("message_edited", rows.getString(2));
      assertFalse(rows.next());
    }
  }

  /**
   * V5: stored messages get the key of their tempId as new ones would; a key taken already (a
   * collision) is left NULL; the old index over the strings is gone.
   */
  @Test
  void upgradingToTempKeysKeysEveryStoredTempId() throws Exception {
    DataSource ds = freshH2();
    assertEquals(4, new SchemaMigrator(ds).migrate("4"));
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO chats (id, created_by, created_at, last_seq) VALUES ('c', 'u', 1, 3)");
      s.execute(
          "INSERT INTO messages (id, chat_id, sender_id, content, message_type, temp_id,"
              + " created_at, seq) VALUES ('m1', 'c', 'u', 'a', 'TEXT', 't1', 1, 1),"
              + " ('m2', 'c', 'v', 'b', 'TEXT', 't1', 1, 2), ('m3', 'c', 'u', 'c', 'TEXT', NULL, 1, 3)");
    }

    assertEquals(1, new SchemaMigrator(ds).migrate());

    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT id, temp_key FROM messages ORDER BY id")) {
      assertTrue(rows.next());
      assertEquals(dev.messenger.message.TempKeys.SHA_256.of("c", "u", "t1"), rows.getLong(2));
      assertTrue(rows.next());
      assertEquals(dev.messenger.message.TempKeys.SHA_256.of("c", "v", "t1"), rows.getLong(2));
      assertTrue(rows.next());
      rows.getLong(2);
      assertTrue(rows.wasNull(), "no tempId, no key");
    }
  }

  /**
   * V4: every stored message pays for each index of its table, on insert and again at commit. H2
   * had given the chat foreign key an index of its own beside the two that start with chat_id. V5:
   * the tempId is unique under a 64-bit key, not over three strings.
   */
  @Test
  void theMessagesTableKeepsOnlyItsKeyTheTempKeyAndTheChatLogIndexes() throws Exception {
    DataSource ds = freshH2();
    new SchemaMigrator(ds).migrate();
    List<String> names = new ArrayList<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'MESSAGES'")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    assertEquals(3, names.size(), names::toString);
    assertTrue(names.contains("IX_MESSAGES_CHAT_SEQ"), names::toString);
    assertTrue(names.contains("UQ_MESSAGES_TEMP_KEY"), names::toString);
    assertTrue(names.stream().noneMatch(n -> n.startsWith("FK_")), names::toString);
  }

  @Test
  void aMissingListedFileFailsLoudly(@TempDir Path temp) throws IOException {
    try (URLClassLoader empty = isolatedLoader(temp)) {
      assertThrows(FlywayException.class, () -> new SchemaMigrator(freshH2(), empty).migrate());
    }
  }

  @Test
  void anUnreachableDatabaseIsAFlywayException() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:missing;IFEXISTS=TRUE");
    assertThrows(FlywayException.class, () -> new SchemaMigrator(ds).migrate());
  }

  private static URLClassLoader isolatedLoader(Path root) throws IOException {
    // Parent = platform loader, so the test classpath's own copy of the migrations is invisible.
    return new URLClassLoader(
        new URL[] {root.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
  }

  private static void copyMigration(String name, OutputStream out) throws IOException {
    try (InputStream in =
        SchemaMigratorTest.class
            .getClassLoader()
            .getResourceAsStream(SchemaMigrator.LOCATION + "/" + name)) {
      in.transferTo(out);
    }
  }

  private static DataSource freshH2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:m" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    return ds;
  }
}
