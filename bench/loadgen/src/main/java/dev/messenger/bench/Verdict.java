package dev.messenger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Pass or fail, from the figures alone: too many failed or dropped connections, nothing delivered,
 * lost deliveries, unanswered sends or too many errors fail the run, so a broken server can never
 * look fast. Latency and throughput are reported, never judged.
 */
final class Verdict {
  private Verdict() {}

  static Result judge(ObjectNode report, BenchOptions options, Scenario.Fanout fanout) {
    List<String> failures = new ArrayList<>();
    long attempted = report.path("connect").path("attempted").asLong();
    long ok = report.path("connect").path("ok").asLong();
    long dropped = report.path("dropped").asLong();
    if (ok == 0) {
      failures.add("no connection succeeded");
    }
    long lost = attempted - ok + dropped;
    if (attempted > 0 && (double) lost / attempted > options.maxConnectFailureRatio) {
      failures.add(
          String.format(
              "%d of %d connections failed or were dropped (limit %.2f%%)",
              lost, attempted, options.maxConnectFailureRatio * 100));
    }
    JsonNode f = report.path("fanout");
    if (fanout != null && !f.isMissingNode()) {
      long sent = f.path("sent").asLong();
      long expected = f.path("expectedDeliveries").asLong();
      long deliveries = f.path("deliveries").asLong();
      if (sent == 0) {
        failures.add("nothing was sent");
      }
      if (deliveries == 0) {
        failures.add("nothing was delivered");
      }
      if (f.has("acked") && f.path("acked").asLong() == 0) {
        failures.add("no message was acknowledged (message_sent)");
      }
      long lostDeliveries = f.path("lostDeliveries").asLong();
      if (expected > 0 && (double) lostDeliveries / expected > fanout.maxLossRatio()) {
        failures.add(
            String.format(
                "%d of %d expected deliveries never arrived (limit %.3f%%)",
                lostDeliveries, expected, fanout.maxLossRatio() * 100));
      }
      long unanswered = f.path("unanswered").asLong();
      if (sent > 0 && (double) unanswered / sent > fanout.maxLossRatio()) {
        failures.add(
            String.format(
                "%d of %d sends got neither message_sent nor error (limit %.3f%%)",
                unanswered, sent, fanout.maxLossRatio() * 100));
      }
      long errors = 0;
      for (JsonNode count : f.path("errors")) {
        errors += count.asLong();
      }
      if (sent > 0 && (double) errors / sent > fanout.maxErrorRatio()) {
        failures.add(
            String.format(
                "%d error events for %d sends (limit %.2f%%): %s",
                errors, sent, fanout.maxErrorRatio() * 100, f.path("errors")));
      }
    }
    report.put("verdict", failures.isEmpty() ? "pass" : "fail");
    failures.forEach(report.putArray("failures")::add);
    return new Result(report, failures);
  }
}
