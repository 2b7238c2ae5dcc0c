/** Live WebSocket connections: who is connected, and the per-user and per-node limits. */
package dev.messenger.connection;
