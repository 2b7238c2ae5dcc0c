package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Typing indicators and liveness. The test server runs with a 1.5 s typing timeout, 1 s pings and a
 * 4 s idle timeout (failsafe environment) so expiry is observable quickly.
 */
class TypingAndHeartbeatIT extends GatewayIT {

  @Test
  void typingGoesToTheOthersAndStops() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceClient = joined(alice, chat);
        WsClient bobClient = joined(bob, chat)) {
      aliceClient.send("typing_start", data().add("chatId", chat));
      JsonObject typing = bobClient.expect("user_typing");
      assertEquals(alice, typing.getString("userId"));
      assertEquals(chat, typing.getString("chatId"));
      assertTrue(typing.getBoolean("isTyping"));

      aliceClient.send("typing_stop", data().add("chatId", chat));
      assertFalse(bobClient.expect("user_typing").getBoolean("isTyping"));
      aliceClient.expectSilence(Duration.ofMillis(300)); // never told about oneself
    }
  }

  @Test
  void typingExpiresWithoutARefresh() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceClient = joined(alice, chat);
        WsClient bobClient = joined(bob, chat)) {
      aliceClient.send("typing_start", data().add("chatId", chat));
      assertTrue(bobClient.expect("user_typing").getBoolean("isTyping"));
      long start = System.nanoTime();
      JsonObject expired = bobClient.expect("user_typing");
      assertFalse(expired.getBoolean("isTyping"));
      assertEquals(alice, expired.getString("userId"));
      // Not a speed assertion: proves the expiry came from the timeout, not from something
      // immediate.
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 1000);
    }
  }

  @Test
  void sendingAMessageEndsTheSendersTypingIndicator() {
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceClient = joined(alice, chat);
        WsClient bobClient = joined(bob, chat)) {
      aliceClient.send("typing_start", data().add("chatId", chat));
      assertTrue(bobClient.expect("user_typing").getBoolean("isTyping"));
      aliceClient.send("send_message", text(chat, "done typing", "t-1"));
      bobClient.expect("new_message");
      assertFalse(bobClient.expect("user_typing").getBoolean("isTyping"));
    }
  }

  @Test
  void aPeerThatNeverAnswersPingsIsClosed() throws Exception {
    try (RawHandshake silent = RawHandshake.open(api.socket(), Tokens.valid(user("ghost")))) {
      assertEquals(101, silent.status());
      assertEquals(1001, silent.readUntilClosed());
    }
  }

  @Test
  void aPeerThatAnswersPingsStaysConnectedPastTheIdleTimeout() {
    String alice = user("alice");
    try (WsClient client = connect(alice)) {
      client.expectSilence(Duration.ofSeconds(6)); // longer than the 4 s idle timeout
      assertTrue(client.isOpen());
    }
  }
}
