package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class VerdictTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Scenario.Fanout STRICT = new Scenario.Fanout(1, 0, 1, 0, 8, 0, 0.01);

  private static BenchOptions options() {
    BenchOptions o = new BenchOptions();
    o.maxConnectFailureRatio = 0.01;
    return o;
  }

  private static ObjectNode connected(long attempted, long ok) {
    ObjectNode r = JSON.createObjectNode();
    r.putObject("connect").put("attempted", attempted).put("ok", ok);
    r.put("dropped", 0);
    return r;
  }

  private static ObjectNode healthyFanout() {
    ObjectNode r = connected(100, 100);
    r.putObject("fanout")
        .put("sent", 50)
        .put("acked", 50)
        .put("unanswered", 0)
        .put("expectedDeliveries", 450)
        .put("deliveries", 450)
        .put("lostDeliveries", 0)
        .putObject("errors");
    return r;
  }

  @Test
  void aHealthyRunPasses() {
    Result result = Verdict.judge(healthyFanout(), options(), STRICT);
    assertTrue(result.passed(), result.failures().toString());
    assertEquals("pass", result.report().path("verdict").asText());
  }

  @Test
  void failedConnectionsBeyondTheLimitFail() {
    assertTrue(Verdict.judge(connected(1000, 990), options(), null).passed());
    Result result = Verdict.judge(connected(1000, 989), options(), null);
    assertFalse(result.passed());
    assertTrue(result.failures().get(0).contains("11 of 1000"), result.failures().toString());
  }

  @Test
  void connectionsDroppedDuringTheRunCountAsFailures() {
    ObjectNode r = connected(100, 100);
    r.put("dropped", 2);
    assertFalse(Verdict.judge(r, options(), null).passed());
  }

  @Test
  void noConnectionAtAllFails() {
    Result result = Verdict.judge(connected(0, 0), options(), null);
    assertEquals("fail", result.report().path("verdict").asText());
  }

  @Test
  void nothingDeliveredFails() {
    ObjectNode r = healthyFanout();
    ((ObjectNode) r.path("fanout")).put("deliveries", 0).put("lostDeliveries", 450);
    Result result = Verdict.judge(r, options(), STRICT);
    assertTrue(result.failures().contains("nothing was delivered"), result.failures().toString());
  }

  @Test
  void aSingleLostDeliveryFailsAStrictRun() {
    ObjectNode r = healthyFanout();
    ((ObjectNode) r.path("fanout")).put("deliveries", 449).put("lostDeliveries", 1);
    assertFalse(Verdict.judge(r, options(), STRICT).passed());
  }

  @Test
  void unansweredSendsFail() {
    ObjectNode r = healthyFanout();
    ((ObjectNode) r.path("fanout")).put("acked", 49).put("unanswered", 1);
    assertFalse(Verdict.judge(r, options(), STRICT).passed());
  }

  @Test
  void errorsBeyondTheLimitFail() {
    ObjectNode r = healthyFanout();
    ((ObjectNode) r.path("fanout").path("errors")).put("INTERNAL", 1);
    Result result = Verdict.judge(r, options(), STRICT);
    assertFalse(result.passed());
    assertTrue(result.failures().get(0).contains("INTERNAL"), result.failures().toString());
  }
}
