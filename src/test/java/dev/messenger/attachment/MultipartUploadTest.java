package dev.messenger.attachment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipartUploadTest {
  @Test
  void dispositionParametersAsBrowsersAndCurlWriteThem() {
    assertEquals(
        Map.of("name", "file", "filename", "a.png"),
        MultipartUpload.parameters("form-data; name=\"file\"; filename=\"a.png\""));
    // Curl escapes quotes and backslashes; other backslashes are literal (Windows paths).
    assertEquals(
        "say \"hi\" \\ C:\\Users\\x.txt",
        MultipartUpload.parameters(
                "form-data; name=\"file\"; filename=\"say \\\"hi\\\" \\\\ C:\\Users\\x.txt\"")
            .get("filename"));
    // A semicolon or equals sign inside quotes belongs to the value.
    assertEquals(
        Map.of("name", "file", "filename", "a;b=c.txt"),
        MultipartUpload.parameters("form-data; NAME=file ; filename=\"a;b=c.txt\""));
    assertEquals(Map.of(), MultipartUpload.parameters("form-data"));
    assertEquals(
        "unterminated",
        MultipartUpload.parameters("form-data; filename=\"unterminated").get("filename"));
  }
}
