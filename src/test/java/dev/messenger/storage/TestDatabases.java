package dev.messenger.storage;

import java.util.EnumMap;
import java.util.Map;

/**
 * One lazily opened {@link TestDatabase} per kind for a test class; close it in {@code @AfterAll}.
 */
public final class TestDatabases implements AutoCloseable {
  private final Map<TestDatabase.Kind, TestDatabase> open = new EnumMap<>(TestDatabase.Kind.class);

  /**
   * The database of this kind; skips the calling test when it is unreachable (fails under CI=true).
   */
  public synchronized TestDatabase get(TestDatabase.Kind kind) {
    TestDatabase db = open.computeIfAbsent(kind, TestDatabase::open);
    db.assumeAvailable();
    return db;
  }

  @Override
  public synchronized void close() {
    for (TestDatabase db : open.values()) {
      db.close();
    }
    open.clear();
  }
}
