/**
 * Messages, reactions and the per-chat event log that join_chat replays and history pages through.
 */
package dev.messenger.message;
