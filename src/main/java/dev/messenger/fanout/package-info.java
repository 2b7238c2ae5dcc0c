/**
 * Delivery of chat events to the connections subscribed to a chat, wherever they are. Everything
 * that broadcasts goes through {@link dev.messenger.fanout.ChatBus}; the in-memory bus serves one
 * node, a Redis-backed bus will serve a cluster.
 */
package dev.messenger.fanout;
