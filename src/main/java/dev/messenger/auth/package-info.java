/**
 * Who the caller is: JWT principals, the handshake gate (origin, token or one-time ticket,
 * connection limits), WebSocket tickets for browsers, development sign-in, and the development-key
 * guard.
 */
package dev.messenger.auth;
