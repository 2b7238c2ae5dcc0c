/** Typing indicators: who is typing in which chat, and when an indicator expires. */
package dev.messenger.typing;
