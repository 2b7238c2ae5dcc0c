package dev.messenger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

/** Creates the run's chats over the product's REST API, a few requests in flight at a time. */
final class ChatSetup {
  private static final ObjectMapper JSON = new ObjectMapper();
  // HTTP/1.1: over h2c the server ends a long-lived connection with GOAWAY after a few thousand
  // requests, which would fail the run's set-up.
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI chats;
  private final Duration timeout;

  ChatSetup(URI base, Duration timeout) {
    this.chats = base.resolve("/api/chats");
    this.timeout = timeout;
  }

  /** One chat per group, created by its first member; returns the chat ids in group order. */
  String[] create(List<List<String>> groups, String[] creatorTokens, int concurrency)
      throws InterruptedException {
    String[] ids = new String[groups.size()];
    Semaphore inFlight = new Semaphore(concurrency);
    CompletableFuture<?>[] all = new CompletableFuture<?>[groups.size()];
    for (int g = 0; g < groups.size(); g++) {
      inFlight.acquire();
      int group = g;
      all[g] =
          http.sendAsync(
                  request(groups.get(g), creatorTokens[g]), HttpResponse.BodyHandlers.ofString())
              .thenApply(response -> chatId(response))
              .whenComplete(
                  (id, failure) -> {
                    inFlight.release();
                    ids[group] = id;
                  });
    }
    try {
      CompletableFuture.allOf(all).join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "creating chats at " + chats + " failed: " + describe(cause), cause);
    }
    return ids;
  }

  private static String describe(Throwable failure) {
    Throwable f = failure;
    while (f instanceof CompletionException && f.getCause() != null) {
      f = f.getCause();
    }
    return f.getMessage() != null
        ? f.getClass().getSimpleName() + ": " + f.getMessage()
        : f.getClass().getSimpleName();
  }

  private HttpRequest request(List<String> members, String token) {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", "bench");
    members.subList(1, members.size()).forEach(body.putArray("memberIds")::add);
    if (members.size() == 1) {
      body.putArray("memberIds");
    }
    return HttpRequest.newBuilder(chats)
        .timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  private static String chatId(HttpResponse<String> response) {
    if (response.statusCode() != 201) {
      throw new IllegalStateException(
          "POST /api/chats answered " + response.statusCode() + ": " + response.body());
    }
    try {
      JsonNode id = JSON.readTree(response.body()).get("id");
      if (id == null || !id.isTextual()) {
        throw new IllegalStateException("POST /api/chats gave no id: " + response.body());
      }
      return id.asText();
    } catch (IOException e) {
      throw new IllegalStateException("POST /api/chats gave no JSON: " + response.body(), e);
    }
  }
}
