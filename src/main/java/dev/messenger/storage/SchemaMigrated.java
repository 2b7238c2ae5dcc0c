package dev.messenger.storage;

/**
 * Fired (synchronously) once the schema is up to date at start, before the node reports ready: what
 * must reach the database before any request does (the send journal's replay) observes it. An
 * observer that throws fails the start-up step, which is retried like a failed migration.
 */
public record SchemaMigrated() {}
