package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A peer that stops reading. The test server bounds each connection's outgoing queue at 256 KiB
 * (failsafe environment, {@code MESSENGER_OUTBOUND_MAX_QUEUED_BYTES}); past it the connection is
 * closed with 1013, and the others in the chat keep getting their messages promptly.
 */
class SlowConsumerIT extends GatewayIT {
  private static final String BIG = "x".repeat(3_900);

  @Test
  void aPeerThatStopsReadingIsClosedWith1013AndBystandersKeepUp() throws Exception {
    String slow = user("slow");
    String writer1 = user("writer");
    String writer2 = user("writer");
    String bystander = user("bystander");
    String chat = api.createChat(writer1, writer2, slow, bystander);

    try (RawHandshake stalled = RawHandshake.open(api.socket(), Tokens.valid(slow), 4096);
        WsClient w1 = connect(writer1);
        WsClient w2 = connect(writer2);
        WsClient watching = joined(bystander, chat)) {
      assertEquals(101, stalled.status());
      stalled.sendText(join(chat, 0));

      // The chat gets busy with large messages (40, within two users' rate limits), and the stalled
      // peer keeps asking for the whole history again, never reading any of it. Its frames also
      // keep it from being closed as idle: it is slow, not dead.
      long requested = 0;
      long worstMs = 0;
      for (int i = 0; i < 40; i++) {
        WsClient writer = i % 2 == 0 ? w1 : w2;
        long sentAt = System.nanoTime();
        writer.send("send_message", text(chat, BIG + i, "big-" + i));
        writer.expect("message_sent");
        assertEquals("big-" + i, watching.expect("new_message").getString("tempId"));
        worstMs = Math.max(worstMs, Duration.ofNanos(System.nanoTime() - sentAt).toMillis());
        requested += BIG.length();
        if (i % 2 == 1) {
          offer(stalled, join(chat, 0));
          requested += (long) (i + 1) * BIG.length();
        }
      }
      assertTrue(worstMs < 3_000, "a bystander waited " + worstMs + " ms for a message");
      // Far more than the kernel's socket buffers could ever absorb: Linux grows a send buffer up
      // to 4 MiB (tcp_wmem's maximum), and with it fully grown the peer has been sent about 4.3
      // MB before the 256 KiB queue overflows, so what is asked for must stay well above twice
      // that for the check below to say anything (with 40 more requests, 8 MB in all, one CI run
      // saw 4.27 MB sent).
      for (int i = 0; i < 100; i++) {
        offer(stalled, join(chat, 0));
        requested += 40L * BIG.length();
      }

      RawHandshake.Close close = stalled.readClose();
      assertNotNull(close, "connection ended without a close frame");
      assertEquals(1013, close.code(), close::toString);
      assertEquals("slow consumer: outgoing buffer full", close.reason());
      // What it had been sent is a fraction of what it asked for: the rest was dropped, not held.
      assertTrue(
          close.bytesBefore() < requested / 2,
          "received " + close.bytesBefore() + " of " + requested + " bytes");

      // The bystander still gets live messages after the slow peer is gone.
      w1.send("send_message", text(chat, "after", "after-1"));
      w1.expect("message_sent");
      assertEquals("after-1", watching.expect("new_message").getString("tempId"));
    }
  }

  /** Writes a frame; once the server has closed the socket (the point of the test), it is lost. */
  private static void offer(RawHandshake peer, String frame) {
    try {
      peer.sendText(frame);
    } catch (IOException closedAlready) {
      return;
    }
  }

  private static String join(String chat, long lastSeq) {
    return Json.createObjectBuilder()
        .add("event", "join_chat")
        .add("data", Json.createObjectBuilder().add("chatId", chat).add("lastSeq", lastSeq))
        .build()
        .toString();
  }
}
