/**
 * The database: Flyway schema migrations, start-up without a reachable database, time encoding, and
 * H2's store written out after every acknowledged commit ({@link DurableCommit}).
 */
package dev.messenger.storage;
