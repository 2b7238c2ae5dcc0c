/**
 * Files sent with messages: upload and download over REST ({@code /api/attachments}), the bytes on
 * disk, their metadata and the chats they were sent in, and the sweep of uploads never sent.
 */
package dev.messenger.attachment;
