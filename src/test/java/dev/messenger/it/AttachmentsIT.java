package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Uploads and downloads over REST, and attachments referenced by id over the socket. The test
 * server's limit is small (messenger.it.attachments.max-bytes, set for it in pom.xml), and its
 * files are in the default folder under the server's output directory.
 */
class AttachmentsIT extends GatewayIT {
  private static final long MAX_BYTES = Long.getLong("messenger.it.attachments.max-bytes");
  private static final Path DIR = Path.of(System.getProperty("messenger.it.attachments.dir"));
  private static final String BOUNDARY = "it-" + UUID.randomUUID();
  private static final byte[] PNG_HEADER = {
    (byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'
  };

  private static byte[] png(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 13);
    }
    System.arraycopy(PNG_HEADER, 0, bytes, 0, Math.min(size, PNG_HEADER.length));
    return bytes;
  }

  private static byte[] multipart(String field, String fileName, String type, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head =
        "--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\""
            + field
            + "\"; filename=\""
            + fileName
            + "\"\r\n"
            + (type == null ? "" : "Content-Type: " + type + "\r\n")
            + "\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(content);
    out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private HttpResponse<String> upload(String user, byte[] body) {
    return api.post(
        "api/attachments",
        user == null ? null : Tokens.valid(user),
        "multipart/form-data; boundary=" + BOUNDARY,
        HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private JsonObject uploaded(String user, String fileName, String type, byte[] content) {
    HttpResponse<String> response = upload(user, multipart("file", fileName, type, content));
    assertEquals(201, response.statusCode(), response::body);
    return Api.json(response.body());
  }

  /** Every file in the storage folder, temp files of uploads in progress included. */
  private static Set<Path> filesOnDisk() {
    if (!Files.exists(DIR)) {
      return Set.of();
    }
    try (Stream<Path> all = Files.walk(DIR)) {
      return all.filter(Files::isRegularFile).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertRestError(HttpResponse<String> response, int status, String code) {
    assertEquals(status, response.statusCode(), response::body);
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject error = Api.json(response.body());
    assertEquals(code, error.getString("code"), response::body);
    assertTrue(!error.getString("message").isBlank());
  }

  @Test
  void uploadAnswers201WithMetadataAndStoresTheFile() throws IOException {
    String alice = user("alice");
    byte[] content = png(5000);
    HttpResponse<String> response =
        upload(alice, multipart("file", "holiday photo.png", "image/png", content));

    assertEquals(201, response.statusCode(), response::body);
    JsonObject a = Api.json(response.body());
    String id = a.getString("id");
    assertEquals("holiday photo.png", a.getString("name"));
    assertEquals(5000, a.getJsonNumber("size").longValue());
    assertEquals("image/png", a.getString("contentType"));
    assertEquals("/api/attachments/" + id, a.getString("url"));
    assertTrue(
        response.headers().firstValue("Location").orElseThrow().endsWith("/api/attachments/" + id));
    assertArrayEquals(content, Files.readAllBytes(DIR.resolve(id)));

    HttpResponse<String> meta = api.get("api/attachments/" + id + "/meta", Tokens.valid(alice));
    assertEquals(200, meta.statusCode(), meta::body);
    assertEquals(a, Api.json(meta.body()));
  }

  @Test
  void uploaderAndChatMembersDownloadOnceSentStrangersNever() {
    String alice = user("alice");
    String bob = user("bob");
    String eve = user("eve");
    String chat = api.createChat(alice, bob);
    byte[] content = png(3000);
    String id = uploaded(alice, "cat.png", "image/png", content).getString("id");
    String path = "api/attachments/" + id;

    HttpResponse<byte[]> own = api.getBytes(path, Tokens.valid(alice));
    assertEquals(200, own.statusCode());
    assertArrayEquals(content, own.body());
    assertEquals("image/png", own.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("nosniff", own.headers().firstValue("X-Content-Type-Options").orElseThrow());
    assertEquals(
        "inline; filename=\"cat.png\"; filename*=UTF-8''cat.png",
        own.headers().firstValue("Content-Disposition").orElseThrow());
    String cache = own.headers().firstValue("Cache-Control").orElseThrow();
    assertTrue(cache.contains("private"), cache);
    // The content never changes: a cached copy is revalidated by its hash.
    String etag = own.headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> revalidated =
        api.getBytes(path, Tokens.valid(alice), Map.of("If-None-Match", etag));
    assertEquals(304, revalidated.statusCode());
    assertEquals(0, revalidated.body().length);
    // Not yet sent: for everyone else it does not exist.
    assertEquals(404, api.getBytes(path, Tokens.valid(bob)).statusCode());

    try (WsClient aliceClient = connect(alice)) {
      aliceClient.send(
          "send_message",
          text(chat, "", "t-img")
              .add("messageType", "IMAGE")
              .add("attachments", Json.createArrayBuilder().add(id)));
      aliceClient.expect("message_sent");
    }
    HttpResponse<byte[]> member = api.getBytes(path, Tokens.valid(bob));
    assertEquals(200, member.statusCode());
    assertArrayEquals(content, member.body());

    HttpResponse<String> stranger = api.get(path, Tokens.valid(eve));
    assertRestError(stranger, 404, "NOT_FOUND");
    assertEquals(404, api.get(path + "/meta", Tokens.valid(eve)).statusCode());
    assertRestError(
        api.get("api/attachments/" + UUID.randomUUID(), Tokens.valid(alice)), 404, "NOT_FOUND");
  }

  @Test
  void nonImagesAreDownloadsWithASafeFileName() {
    String alice = user("alice");
    byte[] pdf = "%PDF-1.7\n%âãÏÓ\n".getBytes(StandardCharsets.UTF_8);
    // Quotes escaped with a backslash, as curl sends them.
    String id = uploaded(alice, "réport \\\"final\\\".pdf", "application/pdf", pdf).getString("id");
    HttpResponse<byte[]> download = api.getBytes("api/attachments/" + id, Tokens.valid(alice));
    assertEquals(200, download.statusCode());
    assertEquals(
        "attachment; filename=\"r_port _final_.pdf\"; filename*=UTF-8''r%C3%A9port%20_final_.pdf",
        download.headers().firstValue("Content-Disposition").orElseThrow());
  }

  @Test
  void oversizeIs413AndLeavesNothingOnDisk() {
    String alice = user("alice");
    Set<Path> before = filesOnDisk();

    // Within the request's slack for multipart overhead: refused while streaming the file.
    HttpResponse<String> oneOver =
        upload(alice, multipart("file", "big.png", "image/png", png((int) MAX_BYTES + 1)));
    assertRestError(oneOver, 413, "TOO_LARGE");
    assertEquals(before, filesOnDisk());

    // Far over, with a Content-Length: refused before the body is read.
    HttpResponse<String> farOver =
        upload(alice, multipart("file", "big.png", "image/png", png((int) MAX_BYTES * 4)));
    assertRestError(farOver, 413, "TOO_LARGE");
    assertEquals(before, filesOnDisk());

    // Chunked, no Content-Length: refused once the limit is passed while streaming.
    byte[] body = multipart("file", "big.png", "image/png", png((int) MAX_BYTES * 3));
    HttpResponse<String> chunked =
        api.post(
            "api/attachments",
            Tokens.valid(alice),
            "multipart/form-data; boundary=" + BOUNDARY,
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    assertRestError(chunked, 413, "TOO_LARGE");
    assertEquals(before, filesOnDisk());

    // The limit itself is allowed.
    uploaded(alice, "max.png", "image/png", png((int) MAX_BYTES));
  }

  @Test
  void disallowedTypeAndContentNotMatchingItsTypeAre415() {
    String alice = user("alice");
    Set<Path> before = filesOnDisk();
    HttpResponse<String> zip =
        upload(alice, multipart("file", "a.zip", "application/zip", new byte[] {'P', 'K', 3, 4}));
    assertRestError(zip, 415, "UNSUPPORTED_TYPE");

    byte[] script = "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> fakePng = upload(alice, multipart("file", "x.png", "image/png", script));
    assertRestError(fakePng, 415, "UNSUPPORTED_TYPE");

    HttpResponse<String> notMultipart =
        api.post("api/attachments", Tokens.valid(alice), "{\"file\":\"x\"}");
    assertRestError(notMultipart, 415, "UNSUPPORTED_TYPE");
    assertEquals(before, filesOnDisk());
  }

  @Test
  void missingOrEmptyFileIs400() {
    String alice = user("alice");
    Set<Path> before = filesOnDisk();
    assertRestError(
        upload(alice, multipart("other", "a.png", "image/png", png(100))), 400, "VALIDATION");
    assertRestError(
        upload(alice, multipart("file", "a.png", "image/png", new byte[0])), 400, "VALIDATION");
    assertEquals(before, filesOnDisk());
  }

  @Test
  void withoutATokenIs401() {
    HttpResponse<String> response = upload(null, multipart("file", "a.png", "image/png", png(100)));
    assertEquals(401, response.statusCode());
    String alice = user("alice");
    String id = uploaded(alice, "a.png", "image/png", png(100)).getString("id");
    assertEquals(401, api.get("api/attachments/" + id, null).statusCode());
  }

  @Test
  void sendingSomeoneElsesUploadIsRefusedWithTheTempId() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    String bobsFile = uploaded(bob, "b.png", "image/png", png(100)).getString("id");
    try (WsClient aliceClient = connect(alice)) {
      aliceClient.send(
          "send_message",
          text(chat, "look", "t-steal")
              .add("messageType", "IMAGE")
              .add("attachments", Json.createArrayBuilder().add(bobsFile)));
      JsonObject error = aliceClient.expect("error");
      assertError(error, "NOT_FOUND", "send_message");
      assertEquals("t-steal", error.getString("tempId"));
      assertEquals(404, api.get("api/attachments/" + bobsFile, Tokens.valid(alice)).statusCode());

      aliceClient.send("send_message", text(chat, "", "t-empty").add("messageType", "IMAGE"));
      JsonObject validation = aliceClient.expect("error");
      assertError(validation, "VALIDATION", "send_message");
      assertEquals("t-empty", validation.getString("tempId"));

      String pdf =
          uploaded(alice, "a.pdf", "application/pdf", "%PDF-1.4".getBytes(StandardCharsets.UTF_8))
              .getString("id");
      aliceClient.send(
          "send_message",
          text(chat, "", "t-pdf")
              .add("messageType", "IMAGE")
              .add("attachments", Json.createArrayBuilder().add(pdf)));
      assertError(aliceClient.expect("error"), "VALIDATION", "send_message");
    }
  }

  @Test
  void newMessageHistoryAndReplayCarryTheMetadata() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    JsonObject a = uploaded(alice, "a.png", "image/png", png(200));
    JsonObject b = uploaded(alice, "notes.txt", "text/plain", "hi\n".getBytes());
    try (WsClient aliceClient = connect(alice);
        WsClient bobClient = joined(bob, chat)) {
      aliceClient.send(
          "send_message",
          text(chat, "two files", "t-files")
              .add("messageType", "FILE")
              .add(
                  "attachments",
                  Json.createArrayBuilder().add(b.getString("id")).add(a.getString("id"))));
      aliceClient.expect("message_sent");
      JsonObject message = bobClient.expect("new_message");
      assertEquals("FILE", message.getString("messageType"));
      JsonArray expected = Json.createArrayBuilder().add(b).add(a).build();
      assertEquals(expected, message.getJsonArray("attachments"));

      JsonObject history =
          Api.json(api.get("api/chats/" + chat + "/messages", Tokens.valid(bob)).body());
      assertEquals(
          expected, history.getJsonArray("messages").getJsonObject(0).getJsonArray("attachments"));
    }
    try (WsClient rejoin = connect(bob)) {
      rejoin.send("join_chat", data().add("chatId", chat).add("lastSeq", 0));
      assertEquals(
          List.of(b.getString("id"), a.getString("id")),
          rejoin.expect("new_message").getJsonArray("attachments").stream()
              .map(v -> v.asJsonObject().getString("id"))
              .toList());
      rejoin.expect("joined_chat");
    }
  }
}
