package dev.messenger.attachment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileNamesTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cat.png | cat.png",
        "/home/me/cat.png | cat.png",
        "C:\\Users\\me\\cat.png | cat.png",
        "../../etc/passwd | passwd",
        "..hidden | hidden",
        "a<b>c:d\"e?g*h.txt | a_b_c_d_e_g_h.txt",
        "'  spaced  .pdf  ' | spaced  .pdf",
        "'' | file",
        "... | file",
        "/ | file",
        "cafe\u0301.png | café.png"
      })
  void sanitize(String raw, String expected) {
    assertEquals(expected, FileNames.sanitize(raw));
  }

  @Test
  void controlAndBidiCharactersAreDropped() {
    assertEquals("a_b.txt", FileNames.sanitize("a|b.txt"));
    assertEquals("ab.exe", FileNames.sanitize("a\u0000\u0007b\n.exe"));
    // Would display as "invoice_gnp.exe" reversed, i.e. as if it were a PNG.
    assertEquals("invoiceexe.png", FileNames.sanitize("invoice\u202Eexe.png"));
    assertEquals("file", FileNames.sanitize(null));
  }

  @Test
  void longNamesAreCutKeepingTheExtension() {
    String name = FileNames.sanitize("n".repeat(300) + ".jpeg");
    assertEquals(255, name.codePointCount(0, name.length()));
    assertTrue(name.endsWith("n.jpeg"));
    String astral = FileNames.sanitize("😀".repeat(300));
    assertEquals(255, astral.codePointCount(0, astral.length()));
  }

  @Test
  void contentDispositionHasAnAsciiFallbackAndTheExactName() {
    assertEquals(
        "inline; filename=\"cat.png\"; filename*=UTF-8''cat.png",
        FileNames.contentDisposition(true, "cat.png"));
    assertEquals(
        "attachment; filename=\"caf_ _.pdf\"; filename*=UTF-8''caf%C3%A9%20%E2%98%95.pdf",
        FileNames.contentDisposition(false, "café ☕.pdf"));
    assertEquals(
        "attachment; filename=\"100_ 'x'.txt\"; filename*=UTF-8''100%25%20%27x%27.txt",
        FileNames.contentDisposition(false, "100% 'x'.txt"));
  }
}
