/**
 * The timer-driven cleanup and monitor: heartbeats, stale sockets, typing expiry, idle state,
 * report.
 */
package dev.messenger.monitor;
