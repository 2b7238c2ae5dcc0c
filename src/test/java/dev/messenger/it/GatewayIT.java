package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.File;
import java.net.URL;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the integration tests: deploys the WAR that {@code mvn package} built, unchanged, to the
 * Open Liberty server Arquillian manages, and gives each test fresh user names so tests never share
 * per-user limits.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class GatewayIT {

  @Deployment(testable = false)
  public static WebArchive deployment() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/messenger.war"));
  }

  @ArquillianResource URL base;
  protected Api api;

  @BeforeEach
  void setUpApi() {
    api = new Api(base);
  }

  /** A user name no other test uses. */
  protected static String user(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  protected WsClient connect(String user) {
    return WsClient.connect(api.socket(), Tokens.valid(user));
  }

  /** Connects and joins the chat, consuming the joined_chat reply. */
  protected WsClient joined(String user, String chatId) {
    WsClient client = connect(user);
    client.send("join_chat", Json.createObjectBuilder().add("chatId", chatId));
    client.expect("joined_chat");
    return client;
  }

  protected static JsonObjectBuilder data() {
    return Json.createObjectBuilder();
  }

  protected static JsonObjectBuilder text(String chatId, String content, String tempId) {
    return data().add("chatId", chatId).add("content", content).add("tempId", tempId);
  }

  /** Prometheus text of the application metrics. */
  protected String metrics() {
    return api.get("metrics?scope=application", null).body();
  }

  /**
   * The value of a metric with the given tags (other tags, such as mp_scope, may be present),
   * summed over matching lines; -1 when there is none. Tags are given as "key=value" pairs.
   */
  protected double metric(String name, String... tags) {
    Pattern line = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$");
    Matcher m = line.matcher(metrics());
    double sum = -1;
    while (m.find()) {
      String labels = m.group(1);
      boolean all = true;
      for (String tag : tags) {
        String[] kv = tag.split("=", 2);
        all &= labels.contains(kv[0] + "=\"" + kv[1] + "\"");
      }
      if (all) {
        sum = Math.max(sum, 0) + Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** Waits (polling, bounded) until the server counts no open connections left by earlier tests. */
  protected void awaitNoConnections() {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    double open = -1;
    while (System.nanoTime() < deadline) {
      open = metric("messenger_connections");
      if (open == 0) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    fail("server still counts " + open + " connections");
  }

  protected static void assertError(JsonObject error, String code, String event) {
    assertEquals(code, error.getString("code"), error::toString);
    assertEquals(event, error.getString("event"), error::toString);
    assertFalse(error.getString("message").isBlank());
  }
}
