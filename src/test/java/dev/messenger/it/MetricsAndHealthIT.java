package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Figures on /metrics (no credentials needed) and the health endpoints. */
class MetricsAndHealthIT extends GatewayIT {

  @Test
  void gaugesAndCountersReflectTraffic() {
    awaitNoConnections();
    String alice = user("alice");
    String bob = user("bob");
    String chat = api.createChat(alice, bob);
    try (WsClient aliceClient = joined(alice, chat);
        WsClient bobClient = joined(bob, chat)) {
      boolean h2 = metric("messenger_db_h2_chunks") > 0;
      double journaledBefore = h2 ? metric("messenger_send_journal_appends") : 0;
      double commitsBefore = metric("messenger_send_commits_total");
      double writerCpuBefore = metric("messenger_send_writer_cpu_nanoseconds_total");
      aliceClient.send("send_message", text(chat, "counted", "t-1"));
      String id = aliceClient.expect("message_sent").getString("messageId");
      bobClient.expect("new_message");
      if (h2) {
        // H2 (a database file): the send was journaled after its commit, before message_sent.
        assertTrue(metric("messenger_send_journal_appends") > journaledBefore);
        // An edit is written out with the store (outside the transaction: inside it the
        // interceptor would have left it to a caller).
        double checkpointsBefore = metric("messenger_db_h2_checkpoints");
        aliceClient.send("edit_message", data().add("messageId", id).add("content", "edited"));
        aliceClient.expect("message_edited");
        bobClient.expect("message_edited");
        assertTrue(metric("messenger_db_h2_checkpoints") > checkpointsBefore);
      } else {
        assertEquals(0, metric("messenger_db_h2_checkpoints"), "PostgreSQL needs none");
      }
      aliceClient.sendRaw("{oops");
      aliceClient.expect("error");

      assertEquals(2, metric("messenger_connections"));
      assertEquals(2, metric("messenger_active_users"));
      assertEquals(1, metric("messenger_rooms"));
      // The send was acknowledged, so it left the group-commit queue.
      assertEquals(0, metric("messenger_send_queued"));
      assertTrue(metric("messenger_send_commits_total") > commitsBefore, "no group commit counted");
      // Every JVM this runs on measures thread CPU time; a batch costs more than a nanosecond.
      assertTrue(
          metric("messenger_send_writer_cpu_nanoseconds_total") > writerCpuBefore,
          "the writer's CPU time was not counted");
      assertTrue(
          metric("messenger_send_commits_total") <= metric("messenger_messages_stored_total"),
          "a commit writes at least one message");
      assertTrue(metric("messenger_events_total", "event=send_message") >= 1);
      assertTrue(metric("messenger_events_total", "event=join_chat") >= 2);
      assertTrue(metric("messenger_errors_total", "code=BAD_REQUEST") >= 1);
      assertTrue(metrics().contains("messenger_handler_time_seconds"), "handler timer missing");
    }
  }

  @Test
  void healthIsUpAndReadinessChecksTheDatabase() {
    var ready = api.get("health/ready", null);
    assertEquals(200, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("database"), ready.body());
    assertEquals(200, api.get("health/live", null).statusCode());
  }
}
