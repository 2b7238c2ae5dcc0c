package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web client end to end: runs src/test/e2e/browser.mjs (Playwright driving headless Chromium,
 * two users in two browser contexts) against the server Arquillian started. Without Chromium the
 * test is skipped, except in CI, where it fails.
 */
class BrowserIT extends GatewayIT {
  private static final Path E2E = Path.of("src/test/e2e");
  private static final Duration TIMEOUT = Duration.ofMinutes(4);
  private static final int HISTORY_SIZE = 45;

  @Test
  void theStaticPageIsServedWithoutAToken() {
    HttpResponse<String> page = api.get("", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("<script type=\"module\" src=\"js/app.js\">"), page.body());
    for (String file : new String[] {"js/app.js", "js/api.js", "css/app.css"}) {
      assertEquals(200, api.get(file, null).statusCode(), file);
    }
    // The API next to it still needs one.
    assertEquals(401, api.get("api/chats", null).statusCode());
  }

  @Test
  void twoUsersChatInRealBrowsers() throws Exception {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    if (!Files.isExecutable(chromium)) {
      String message =
          chromium
              + " not found: install Chromium (apt-get install chromium) to run the browser tests";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      assumeTrue(false, message);
    }
    assertTrue(
        Files.isDirectory(E2E.resolve("node_modules/playwright-core")),
        "playwright-core is not installed: mvn verify runs npm ci in " + E2E);

    String alice = user("alice");
    String bob = user("bob");
    String historyChat = "History " + alice.substring(alice.indexOf('-') + 1);
    seedHistory(historyChat, alice, bob);

    ProcessBuilder node = new ProcessBuilder("node", "browser.mjs").directory(E2E.toFile());
    node.redirectErrorStream(true);
    Map<String, String> env = node.environment();
    env.put("BASE_URL", base.toString());
    env.put("ALICE", alice);
    env.put("BOB", bob);
    env.put("HISTORY_CHAT_NAME", historyChat);
    env.put("HISTORY_SIZE", String.valueOf(HISTORY_SIZE));
    env.put("CHROMIUM_PATH", chromium.toString());
    env.put(
        "SCREENSHOT_DIR",
        Path.of(System.getProperty("messenger.it.screenshots", "target/screenshots"))
            .toAbsolutePath()
            .toString());
    Process process = node.start();
    Thread output = new Thread(() -> stream(process), "browser.mjs output");
    output.start();
    try {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        fail("browser scenarios did not finish within " + TIMEOUT);
      }
      output.join(5000);
      assertEquals(0, process.exitValue(), "browser scenarios failed; see the output above");
    } finally {
      // Chromium is a child of node: end both if the scenarios hang.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /** A chat with more messages than one history page, from two other users, in order. */
  private void seedHistory(String name, String alice, String bob) {
    String carol = user("carol");
    String dave = user("dave");
    String body =
        jakarta.json.Json.createObjectBuilder()
            .add("name", name)
            .add("memberIds", jakarta.json.Json.createArrayBuilder().add(alice).add(bob).add(dave))
            .build()
            .toString();
    HttpResponse<String> created = api.post("api/chats", Tokens.valid(carol), body);
    assertEquals(201, created.statusCode(), created::body);
    String chatId = Api.json(created.body()).getString("id");
    // Each sender stays under the 30-a-minute message limit.
    int half = HISTORY_SIZE / 2;
    try (WsClient first = connect(carol);
        WsClient second = connect(dave)) {
      for (int i = 0; i < HISTORY_SIZE; i++) {
        WsClient sender = i <= half ? first : second;
        sender.send("send_message", text(chatId, "h-" + i, "h-" + i));
        sender.expect("message_sent");
      }
    }
  }

  private static void stream(Process process) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      lines.lines().forEach(line -> System.out.println("[browser] " + line));
    } catch (IOException e) {
      System.out.println("[browser] output lost: " + e);
    }
  }
}
