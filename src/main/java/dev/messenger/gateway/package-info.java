/** The WebSocket endpoint and the dispatch of decoded client events to the feature code. */
package dev.messenger.gateway;
