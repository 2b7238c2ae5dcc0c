package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Twenty peers that stop reading at once, on a server of its own ({@link OwnServer}: a fresh
 * server, with the few threads it starts with). Each is closed as a slow consumer (1013), and Open
 * Liberty makes each of those closes wait 3 s; they must not take the threads that read everyone
 * else's frames. The test servers ping every second and close a connection that has answered
 * nothing for 4 s (failsafe environment), so a peer that only listens stays open only while its
 * pongs are read: it must, through a quiet period of over three idle timeouts while the closes run,
 * and then get the next message. (With the closes on the server's shared executor, the twenty
 * parked every thread it had, and such a peer was closed as idle.)
 */
class SlowConsumersTogetherIT {
  private static final int STALLED = 20;
  private static final String BIG = "x".repeat(3_900);
  private static final int HISTORY = 40;
  private static final int QUEUE_BYTES = 262_144;

  private static OwnServer server;
  private static Api api;

  @BeforeAll
  static void startOwnServer() throws Exception {
    server =
        OwnServer.create(
            "slowConsumersServer",
            Integer.getInteger("messenger.it.own-server.http.port", 9280) + 3,
            Map.of(
                "MESSENGER_OUTBOUND_MAX_QUEUED_BYTES",
                String.valueOf(QUEUE_BYTES),
                // 40 messages in a few seconds from one user: the limit is not under test.
                "MESSENGER_RATELIMIT_MESSAGES_PER_MINUTE",
                "1000000"));
    server.start();
    api = new Api(server.base());
  }

  @AfterAll
  static void stopOwnServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void slowConsumersClosedTogetherDoNotStopTheOthersHeartbeats() throws Exception {
    String writer = user("writer");
    String listener = user("listener");
    List<String> members = new ArrayList<>();
    members.add(listener);
    List<String> slow = new ArrayList<>();
    for (int i = 0; i < STALLED; i++) {
      slow.add(user("slow" + i));
    }
    members.addAll(slow);
    String chat = api.createChat(writer, members.toArray(String[]::new));

    try (WsClient writing = WsClient.connect(api.socket(), Tokens.valid(writer));
        WsClient listening = WsClient.connect(api.socket(), Tokens.valid(listener))) {
      listening.send("join_chat", Json.createObjectBuilder().add("chatId", chat));
      listening.await("joined_chat");
      // A history worth 156 KB to replay.
      for (int i = 0; i < HISTORY; i++) {
        writing.send("send_message", text(chat, BIG + i, "big-" + i));
        writing.expect("message_sent");
        assertEquals("big-" + i, listening.expect("new_message").getString("tempId"));
      }

      List<RawHandshake> stalled = new ArrayList<>();
      try {
        for (String user : slow) {
          RawHandshake peer = RawHandshake.open(api.socket(), Tokens.valid(user), 4096);
          stalled.add(peer);
          assertEquals(101, peer.status());
        }
        // Each asks for the history again and again and reads none of it, until its 256 KiB queue
        // overflows: that needs more than the kernel takes into the socket first.
        int replays = replaysToOverflow();
        for (int round = 0; round < replays; round++) {
          for (RawHandshake peer : stalled) {
            offer(peer, replayFromStart(chat));
          }
        }

        // Over three idle timeouts: only answered pings keep the listener open. (With the closes on
        // the shared executor, 6 s was not always enough for the listener to be closed; 14 s was.)
        listening.expectSilence(Duration.ofSeconds(14));
        assertTrue(
            listening.isOpen(),
            () -> "the listener was closed: " + listening.closeReason() + ", " + listening.error());
        assertTrue(writing.isOpen(), () -> "the writer was closed: " + writing.closeReason());

        for (RawHandshake peer : stalled) {
          RawHandshake.Close close = peer.readClose();
          assertNotNull(close, "a stalled peer's connection ended without a close frame");
          assertEquals(1013, close.code(), close::toString);
        }
      } finally {
        for (RawHandshake peer : stalled) {
          peer.close();
        }
      }

      writing.send("send_message", text(chat, "after", "after-1"));
      writing.expect("message_sent");
      assertEquals("after-1", listening.expect("new_message").getString("tempId"));
    }
  }

  private static String user(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObjectBuilder text(String chat, String content, String tempId) {
    return Json.createObjectBuilder()
        .add("chatId", chat)
        .add("content", content)
        .add("tempId", tempId);
  }

  /** Writes a frame; once the server has closed the socket, it is lost. */
  private static void offer(RawHandshake peer, String frame) {
    try {
      peer.sendText(frame);
    } catch (IOException closedAlready) {
      return;
    }
  }

  /**
   * How many replays of the history (40 messages of 3.9 KB) a peer that reads nothing must ask for
   * before its queue overflows whatever the kernel absorbs: the server's socket send buffer grows
   * up to tcp_wmem's maximum (4 MiB by default on Linux) before the server's own queue (256 KiB
   * here) holds a byte. With 10 replays (1.6 MB) a run once had every byte taken by the kernel, and
   * the peer was closed as idle (1001) instead.
   */
  private static int replaysToOverflow() {
    long kernel = 4L << 20;
    try {
      String[] wmem = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
      kernel = Math.max(kernel, Long.parseLong(wmem[wmem.length - 1]));
    } catch (IOException | RuntimeException notLinux) {
      // keep 4 MiB
    }
    long history = (long) HISTORY * BIG.length();
    return (int) ((kernel + QUEUE_BYTES) / history) + 2;
  }

  private static String replayFromStart(String chat) {
    return Json.createObjectBuilder()
        .add("event", "join_chat")
        .add("data", Json.createObjectBuilder().add("chatId", chat).add("lastSeq", 0))
        .build()
        .toString();
  }
}
