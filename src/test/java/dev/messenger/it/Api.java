package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The REST API and server URLs as the tests use them. */
public final class Api {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;

  public Api(URL base) {
    this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
  }

  public URI socket() {
    return URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/messenger");
  }

  /** The socket URL a browser opens with a one-time ticket. */
  public URI socketWithQuery(String name, String value) {
    return URI.create(
        socket() + "?" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  /** Trades {@code token} for a WebSocket ticket; fails the test unless it is issued. */
  public String ticket(String token) {
    HttpResponse<String> response = post("api/ws-tickets", token, "");
    assertEquals(201, response.statusCode(), response::body);
    return json(response.body()).getString("ticket");
  }

  public URI uri(String path) {
    return base.resolve(path.startsWith("/") ? path.substring(1) : path);
  }

  /** Creates a chat as {@code creator} with the given other members; returns its id. */
  public String createChat(String creator, String... members) {
    JsonArrayBuilder ids = Json.createArrayBuilder();
    for (String m : members) {
      ids.add(m);
    }
    String body =
        Json.createObjectBuilder().add("name", "chat").add("memberIds", ids).build().toString();
    HttpResponse<String> response = post("api/chats", Tokens.valid(creator), body);
    assertEquals(201, response.statusCode(), response::body);
    return json(response.body()).getString("id");
  }

  public HttpResponse<String> post(String path, String token, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  /** A request with any body and content type (null token: none sent). */
  public HttpResponse<String> post(
      String path, String token, String contentType, HttpRequest.BodyPublisher body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).POST(body);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  /** A GET whose body is kept as bytes (downloads). */
  public HttpResponse<byte[]> getBytes(String path, String token) {
    return getBytes(path, token, Map.of());
  }

  public HttpResponse<byte[]> getBytes(String path, String token, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
    headers.forEach(request::header);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> get(String path, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
