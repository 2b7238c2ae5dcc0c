package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ComparisonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode result(String target, long rssPerConnection, double deliveries) {
    ObjectNode r = JSON.createObjectNode().put("target", target).put("mode", "fanout");
    r.putObject("server").put("rssPerConnectionBytes", rssPerConnection);
    r.putObject("fanout").put("deliveriesPerSecond", deliveries);
    return r;
  }

  @Test
  void ratiosAreProductOverBare() {
    ObjectNode out = Comparison.of(result("product", 50_000, 1000), result("bare", 40_000, 4000));
    assertEquals(1.25, out.path("productOverBare").path("rssPerConnection").asDouble());
    assertEquals(0.25, out.path("productOverBare").path("deliveriesPerSecond").asDouble());
    assertFalse(out.path("productOverBare").has("heapPerConnection"));
  }

  @Test
  void theOrderOfTheResultsIsChecked() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Comparison.of(result("bare", 1, 1), result("product", 1, 1)));
  }
}
