package dev.messenger.attachment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttachmentPolicyTest {
  private static final AttachmentPolicy DEFAULTS =
      AttachmentPolicy.of(
          10,
          List.of(
              "image/png",
              " IMAGE/JPEG ",
              "image/gif",
              "image/webp",
              "application/pdf",
              "text/plain",
              ""));

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void configuredTypesAreNormalised() {
    assertEquals(
        Set.of(
            "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"),
        DEFAULTS.allowedTypes());
    assertThrows(IllegalArgumentException.class, () -> AttachmentPolicy.of(10, List.of(" ")));
    assertThrows(IllegalArgumentException.class, () -> AttachmentPolicy.of(0, List.of("a/b")));
  }

  @Test
  void eachSignatureIsRecognised() {
    assertEquals("image/png", DEFAULTS.contentTypeOf("image/png", Multipart.PNG_HEADER));
    assertEquals("image/jpeg", DEFAULTS.contentTypeOf("image/jpeg", bytes(0xFF, 0xD8, 0xFF, 0xE0)));
    assertEquals("image/gif", DEFAULTS.contentTypeOf("image/gif", ascii("GIF89a....")));
    assertEquals("image/gif", DEFAULTS.contentTypeOf("image/gif", ascii("GIF87a....")));
    assertEquals("image/webp", DEFAULTS.contentTypeOf("image/webp", ascii("RIFF\0\0\0\0WEBPVP8 ")));
    assertEquals("application/pdf", DEFAULTS.contentTypeOf("application/pdf", ascii("%PDF-1.4")));
    assertEquals("text/plain", DEFAULTS.contentTypeOf("text/plain", ascii("<b>hi</b>")));
  }

  @ParameterizedTest
  @CsvSource({
    "image/png, GIF89a....",
    "image/jpeg, <svg onload=alert(1)>",
    "image/gif, GIF88a",
    "image/webp, RIFF....WAVE",
    "application/pdf, <html>%PDF-",
    "image/png, ''"
  })
  void contentThatDoesNotMatchItsDeclaredTypeIsRefused(String type, String content) {
    UploadRefused r =
        assertThrows(UploadRefused.class, () -> DEFAULTS.contentTypeOf(type, ascii(content)));
    assertEquals(415, r.status());
    assertEquals("the file's content is not " + type, r.getMessage());
  }

  @Test
  void typeOutsideTheListIsRefusedWhateverTheContent() {
    for (String type : List.of("image/svg+xml", "text/html", "application/javascript", "x")) {
      UploadRefused r =
          assertThrows(UploadRefused.class, () -> DEFAULTS.contentTypeOf(type, ascii("hello")));
      assertEquals(415, r.status());
      assertTrue(r.getMessage().startsWith("content type " + type + " is not allowed"));
    }
    String longType = "a/" + "b".repeat(500);
    UploadRefused r =
        assertThrows(UploadRefused.class, () -> DEFAULTS.contentTypeOf(longType, ascii("x")));
    assertTrue(r.getMessage().length() < 300, r.getMessage());
  }

  @Test
  void onlyRasterImagesAreInline() {
    assertTrue(AttachmentPolicy.inline("image/png"));
    assertTrue(AttachmentPolicy.inline("image/webp"));
    assertFalse(AttachmentPolicy.inline("image/svg+xml"));
    assertFalse(AttachmentPolicy.inline("application/pdf"));
    assertFalse(AttachmentPolicy.inline("text/plain"));
  }
}
