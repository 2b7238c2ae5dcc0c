/** Chats and their members: storage, the transactional facade and the REST resource. */
package dev.messenger.chat;
