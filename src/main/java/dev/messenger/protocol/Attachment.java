package dev.messenger.protocol;

/**
 * A file referenced by a message. Files never travel over the socket: the message carries where the
 * file is and what it is. {@code contentType} and {@code size} are optional (null when the client
 * omits them).
 */
public record Attachment(String url, String name, String contentType, Long size) {}
