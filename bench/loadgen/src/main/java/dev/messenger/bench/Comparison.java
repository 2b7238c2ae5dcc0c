package dev.messenger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** The product's figures as multiples of the bare endpoint's, from two result lines. */
final class Comparison {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Figure name and its path in a result. */
  private static final String[][] FIGURES = {
    {"rssPerConnection", "/server/rssPerConnectionBytes"},
    {"heapPerConnection", "/server/heapPerConnectionBytes"},
    {"rssMarginalPerConnection", "/server/rssMarginalPerConnectionBytes"},
    {"heapMarginalPerConnection", "/server/heapMarginalPerConnectionBytes"},
    {"connectsPerSecond", "/connect/perSecond"},
    {"deliveriesPerSecond", "/fanout/deliveriesPerSecond"},
    {"deliveryP99", "/fanout/sendToDeliveryMs/p99"},
    {"serverCpuPer1kDeliveriesPerSecond", "/fanout/serverCpuCoresPer1kDeliveriesPerSecond"},
  };

  private Comparison() {}

  static ObjectNode of(JsonNode product, JsonNode bare) {
    if (!"product".equals(product.path("target").asText())
        || !"bare".equals(bare.path("target").asText())) {
      throw new IllegalArgumentException("compare takes a product result, then a bare result");
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("tool", "messenger-loadgen");
    out.put("mode", "compare");
    out.put("of", product.path("mode").asText());
    out.put("users", product.path("users").asLong());
    ObjectNode ratios = out.putObject("productOverBare");
    for (String[] figure : FIGURES) {
      JsonNode p = product.at(figure[1]);
      JsonNode b = bare.at(figure[1]);
      if (p.isNumber() && b.isNumber() && b.asDouble() != 0) {
        ratios.put(figure[0], Scenario.round(p.asDouble() / b.asDouble()));
      }
    }
    return out;
  }

  static String summary(ObjectNode comparison) {
    StringBuilder s = new StringBuilder("product / bare (" + comparison.path("of").asText() + "):");
    comparison
        .path("productOverBare")
        .fields()
        .forEachRemaining(
            e ->
                s.append(
                    String.format(
                        Locale.ROOT, "%n  %-34s %.2fx", e.getKey(), e.getValue().asDouble())));
    return s.toString();
  }
}
