/**
 * The load generator: mints tokens, creates chats over REST, opens many WebSocket connections from
 * several loopback source addresses (Netty), drives the capacity and fan-out scenarios against the
 * product or the bare reference endpoint, and reports figures (HdrHistogram) with a pass/fail
 * verdict, so a broken server can never look fast.
 */
package dev.messenger.bench;
