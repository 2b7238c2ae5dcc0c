package dev.messenger.protocol;

/**
 * An uploaded file as messages carry it: its metadata and where to download it. Files never travel
 * over the socket. {@code size} is null (and left out) only for messages stored before uploads
 * existed, whose attachments were bare links with no {@code id}.
 */
public record Attachment(String id, String name, Long size, String contentType, String url) {

  /** The download path of an attachment, relative to the server root. */
  public static String urlOf(String id) {
    return "/api/attachments/" + id;
  }
}
