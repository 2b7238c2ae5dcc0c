/** Live WebSocket connections: who is connected, and the per-user and per-node connection limits. */
package dev.messenger.connection;
