/** The database: Flyway schema migrations, start-up without a reachable database, time encoding. */
package dev.messenger.storage;
