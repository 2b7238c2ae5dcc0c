package dev.messenger.message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema V5: a message's tempId is unique under its {@link TempKeys 64-bit key} instead of the
 * (chat_id, sender_id, temp_id) index. In Java, not SQL: the stored messages must get their keys
 * from the very function new ones get them from ({@link TempKeys#SHA_256}: length-prefixed UTF-8
 * fields, the first 8 bytes of the digest as a signed long), which one SQL text cannot spell for
 * both H2 and PostgreSQL.
 *
 * <p>A stored message whose key is taken already (a collision) keeps a NULL key, as a new one
 * would.
 */
public class V5__Message_temp_keys extends BaseJavaMigration {
  private static final int BATCH = 500;

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE messages ADD COLUMN temp_key BIGINT");
      s.execute("CREATE UNIQUE INDEX uq_messages_temp_key ON messages (temp_key)");
    }
    try (Statement read = c.createStatement();
        ResultSet rows =
            read.executeQuery(
                "SELECT id, chat_id, sender_id, temp_id FROM messages WHERE temp_id IS NOT NULL"
                    + " ORDER BY id");
        PreparedStatement set =
            c.prepareStatement(
                "UPDATE messages SET temp_key = ? WHERE id = ? AND NOT EXISTS"
                    + " (SELECT 1 FROM messages o WHERE o.temp_key = ?)")) {
      int queued = 0;
      while (rows.next()) {
        long key = TempKeys.SHA_256.of(rows.getString(2), rows.getString(3), rows.getString(4));
        set.setLong(1, key);
        set.setString(2, rows.getString(1));
        set.setLong(3, key);
        set.addBatch();
        if (++queued == BATCH) {
          set.executeBatch();
          queued = 0;
        }
      }
      if (queued > 0) {
        set.executeBatch();
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE messages DROP CONSTRAINT uq_messages_temp_id");
    }
  }
}
