import java.lang.management.*;
import java.nio.file.*;
import java.sql.*;
import java.util.*;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The send path's writes on H2 alone, without the server: per commit, for each chat of the batch
 * (in id order) SELECT ... FOR UPDATE, the messages as one JDBC batch, one UPDATE chats; then
 * commit and CHECKPOINT, as the gateway does before message_sent. Schema from the product's own
 * migrations (the SQL files, then V5's statements). Reports CPU per message (this thread, and all threads: H2 serialises pages on its own
 * thread), bytes allocated and bytes written per message, chunks and live pages. A third of the batches warm up first.
 *
 * <p>Run from the repository root (the H2 jar from the local Maven repository):
 *
 * <pre>
 * java -cp ~/.m2/repository/com/h2database/h2/2.3.232/h2-2.3.232.jar bench/h2/SendPathOnH2.java \
 *     "" 500 10000 10     # URL settings to append, chats, batches, messages per commit
 * </pre>
 *
 * A fifth argument writes the store out only every that many commits: with the send journal the
 * gateway does so once a second, and H2's background thread every WRITE_DELAY in between. A sixth
 * says how each chat's seq is taken: {@code lock} (the default: SELECT ... FOR UPDATE, then the
 * UPDATE in a JDBC batch, as a batch that looks its tempIds up does), {@code advance} (one UPDATE
 * returning the new last_seq, as every other batch does: {@code SendRows.advanceChat}) or {@code
 * memory} (no statement on the chat row: what a per-chat head kept in memory would leave).
 *
 * The database is target/send-path-on-h2 (deleted first). Written as one source file so that it runs
 * with the H2 jar alone: it applies the migrations with a plain statement splitter instead of Flyway,
 * and makes time-ordered ids as {@code dev.messenger.storage.RowIds} does instead of calling it.
 */
public class SendPathOnH2 {
  public static void main(String[] a) throws Exception {
    if (a.length < 4 || a.length > 6 || (a.length > 5 && !List.of("lock", "advance", "memory").contains(a[5]))) {
      System.err.println("usage: SendPathOnH2 <H2 URL settings, e.g. \"\" or \";CACHE_SIZE=65536\"> <chats> <batches> <messages per commit> [commits per CHECKPOINT, default 1] [chat seq: lock (default), advance or memory]");
      System.exit(2);
    }
    String suffix = a[0]; int chats = Integer.parseInt(a[1]); int batches = Integer.parseInt(a[2]); int bs = Integer.parseInt(a[3]); int every = a.length > 4 ? Integer.parseInt(a[4]) : 1;
    String seqs = a.length > 5 ? a[5] : "lock";
    Files.createDirectories(Path.of("target"));
    for (String f : new String[]{"target/send-path-on-h2.mv.db", "target/send-path-on-h2.trace.db"}) Files.deleteIfExists(Path.of(f));
    try (Connection c = DriverManager.getConnection("jdbc:h2:./target/send-path-on-h2;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=500" + suffix, "sa", "")) {
      Statement s = c.createStatement();
      // Every migration, in version order (V1__..., V2__...), as Flyway would apply them.
      List<Path> migrations;
      try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
        migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
            .sorted(Comparator.comparingInt(f -> Integer.parseInt(f.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"))))
            .toList();
      }
      if (migrations.isEmpty()) throw new IllegalStateException("no migrations: run from the repository root");
      for (Path v : migrations) {
        String sql = Files.readString(v);
        for (String st : sql.replaceAll("--[^\n]*", "").split(";")) if (!st.isBlank()) s.execute(st);
      }
      // V5 is a Java migration (dev.messenger.message.V5__Message_temp_keys); on an empty table it is
      // this schema change. The keys are SHA-256 prefixes there, random longs here: as random in the index.
      s.execute("ALTER TABLE messages ADD COLUMN temp_key BIGINT");
      s.execute("CREATE UNIQUE INDEX uq_messages_temp_key ON messages (temp_key)");
      s.execute("ALTER TABLE messages DROP CONSTRAINT uq_messages_temp_id");
      List<String> ids = new ArrayList<>();
      PreparedStatement ic = c.prepareStatement("INSERT INTO chats (id, name, created_by, created_at) VALUES (?, 'c', 'u', 0)");
      for (int i = 0; i < chats; i++) { String id = UUID.randomUUID().toString(); ids.add(id); ic.setString(1, id); ic.executeUpdate(); }
      c.setAutoCommit(false);
      PreparedStatement lock = c.prepareStatement("SELECT last_seq FROM chats WHERE id = ? FOR UPDATE");
      PreparedStatement ins = c.prepareStatement("INSERT INTO messages (id, chat_id, sender_id, content, message_type, attachments, temp_id, created_at, seq, temp_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      PreparedStatement upd = c.prepareStatement("UPDATE chats SET last_seq = ? WHERE id = ?");
      PreparedStatement adv = c.prepareStatement("UPDATE chats SET last_seq = last_seq + ? WHERE id = ?", new String[] {"last_seq"});
      Map<String, Long> heads = new HashMap<>();
      Statement cp = c.createStatement();
      ThreadMXBean tm = ManagementFactory.getThreadMXBean();
      long tid = 0;
      int warm = batches / 3;
      long cpu0 = 0, bytes0 = 0, t0 = 0; ThreadLocalRandom r = ThreadLocalRandom.current();
      long totalCpuAll0 = 0, alloc0 = 0;
      for (int b = 0; b < batches; b++) {
        if (b == warm) { cpu0 = tm.getCurrentThreadCpuTime(); bytes0 = info(c, "info.FILE_WRITE_BYTES"); t0 = System.nanoTime(); totalCpuAll0 = allCpu(tm); alloc0 = allAllocated(tm); }
        TreeMap<String, Integer> byChat = new TreeMap<>();
        for (int i = 0; i < bs; i++) byChat.merge(ids.get(r.nextInt(chats)), 1, Integer::sum);
        for (var e : byChat.entrySet()) {
          long seq;
          switch (seqs) {
            case "lock" -> { lock.setString(1, e.getKey()); ResultSet rs = lock.executeQuery(); rs.next(); seq = rs.getLong(1); }
            case "advance" -> { adv.setLong(1, e.getValue()); adv.setString(2, e.getKey()); adv.executeUpdate(); ResultSet rs = adv.getGeneratedKeys(); rs.next(); seq = rs.getLong(1) - e.getValue(); }
            default -> seq = heads.getOrDefault(e.getKey(), 0L);
          }
          for (int k = 0; k < e.getValue(); k++) {
            seq++; tid++;
            long most = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextInt() & 0x0FFF);
            ins.setString(1, new UUID(most, r.nextLong() | 0x8000000000000000L).toString());
            ins.setString(2, e.getKey()); ins.setString(3, "user-" + r.nextInt(5000)); ins.setString(4, "x".repeat(32));
            ins.setString(5, "TEXT"); ins.setString(6, null); ins.setString(7, "t-" + tid); ins.setLong(10, r.nextLong()); ins.setLong(8, System.currentTimeMillis()); ins.setLong(9, seq);
            ins.addBatch();
          }
          if (seqs.equals("lock")) { upd.setLong(1, seq); upd.setString(2, e.getKey()); upd.addBatch(); } else if (seqs.equals("memory")) heads.put(e.getKey(), seq);
        }
        ins.executeBatch(); if (seqs.equals("lock")) upd.executeBatch(); c.commit(); if ((b + 1) % every == 0) cp.execute("CHECKPOINT");
      }
      long n = (long) (batches - warm) * bs;
      long cpu = tm.getCurrentThreadCpuTime() - cpu0; long all = allCpu(tm) - totalCpuAll0; long alloc = allAllocated(tm) - alloc0;
      System.out.printf("%s seq=%s chats=%d bs=%d msgs=%d: this-thread %.1f us/msg, all-threads %.1f us/msg, wall %.1f us/msg, allocated %.1f KB/msg, written %.0f bytes/msg, chunks %d pages %d%n",
          suffix, seqs, chats, bs, n, cpu / 1e3 / n, all / 1e3 / n, (System.nanoTime() - t0) / 1e3 / n, alloc / 1024.0 / n, (info(c, "info.FILE_WRITE_BYTES") - bytes0) / (double) n, info(c, "info.CHUNK_COUNT"), info(c, "info.PAGE_COUNT_LIVE"));
    }
  }
  static long allCpu(ThreadMXBean tm) { long t = 0; for (long id : tm.getAllThreadIds()) { long v = tm.getThreadCpuTime(id); if (v > 0) t += v; } return t; }
  /** Bytes allocated on the heap by every live thread (H2's background writer included). */
  static long allAllocated(ThreadMXBean tm) { long t = 0; var sun = (com.sun.management.ThreadMXBean) tm; for (long id : tm.getAllThreadIds()) { long v = sun.getThreadAllocatedBytes(id); if (v > 0) t += v; } return t; }
  static long info(Connection c, String k) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) { p.setString(1, k); ResultSet rs = p.executeQuery(); rs.next(); return Long.parseLong(rs.getString(1)); }
  }
}
