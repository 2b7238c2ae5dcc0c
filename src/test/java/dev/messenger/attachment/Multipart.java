package dev.messenger.attachment;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds multipart/form-data bodies byte by byte, as a browser would send them. */
final class Multipart {
  static final String BOUNDARY = "----test-boundary-7MA4YWxkTrZu0gW";
  static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Multipart field(String name, String value) {
    text("--" + BOUNDARY + "\r\n");
    text("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
    text(value + "\r\n");
    return this;
  }

  Multipart file(String name, String fileName, String contentType, byte[] content) {
    text("--" + BOUNDARY + "\r\n");
    text("Content-Disposition: form-data; name=\"" + name + "\"");
    if (fileName != null) {
      text("; filename=\"" + fileName + "\"");
    }
    text("\r\n");
    if (contentType != null) {
      text("Content-Type: " + contentType + "\r\n");
    }
    text("\r\n");
    out.writeBytes(content);
    text("\r\n");
    return this;
  }

  byte[] end() {
    text("--" + BOUNDARY + "--\r\n");
    return out.toByteArray();
  }

  /** The body so far, without the closing boundary: a cut-off upload. */
  byte[] truncated() {
    return out.toByteArray();
  }

  private void text(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  static final byte[] PNG_HEADER = {
    (byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'
  };

  /** A PNG signature followed by {@code size - 16} filler bytes (with line breaks and NULs). */
  static byte[] png(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    System.arraycopy(PNG_HEADER, 0, bytes, 0, Math.min(size, PNG_HEADER.length));
    return bytes;
  }
}
