package dev.messenger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.StringJoiner;

/** The human-readable lines printed before the JSON line. */
final class Summary {
  private Summary() {}

  static String of(JsonNode r) {
    StringBuilder s = new StringBuilder();
    line(
        s,
        "%s %s: %d users in groups of %d, %d source addresses, %d client threads%s",
        r.path("mode").asText(),
        r.path("target").asText(),
        r.path("users").asLong(),
        r.path("groupSize").asLong(),
        r.path("sourceAddresses").asLong(),
        r.path("clientThreads").asLong(),
        r.path("label").asText().isEmpty() ? "" : " [" + r.path("label").asText() + "]");
    JsonNode c = r.path("connect");
    line(
        s,
        "  connect: %d/%d ok in %.1f s (%.0f/s); handshake %s%s",
        c.path("ok").asLong(),
        c.path("attempted").asLong(),
        c.path("seconds").asDouble(),
        c.path("perSecond").asDouble(),
        latency(c.path("handshakeMs")),
        c.has("joinMs") ? "; join " + latency(c.path("joinMs")) : "");
    if (c.path("failed").asLong() > 0 || r.path("dropped").asLong() > 0) {
      line(s, "  failed: %s; dropped later: %s", c.path("failures"), r.path("drops"));
    }
    JsonNode sv = r.path("server");
    if (sv.has("pid")) {
      line(
          s,
          "  server: RSS %s -> %s (%s/connection), live heap %s -> %s (%s/connection),"
              + " CPU %.2f ms/connection to connect",
          mb(sv.path("rssBeforeKb").asLong()),
          mb(sv.path("rssAfterKb").asLong()),
          kb(sv.path("rssPerConnectionBytes").asLong()),
          mb(sv.path("heapBeforeKb").asLong(-1)),
          mb(sv.path("heapAfterKb").asLong(-1)),
          sv.has("heapPerConnectionBytes") ? kb(sv.path("heapPerConnectionBytes").asLong()) : "?",
          sv.path("cpuMsPerConnection").asDouble());
      if (sv.has("rssMarginalPerConnectionBytes")) {
        line(
            s,
            "  second half of the connections alone: RSS %s/connection, live heap %s/connection,"
                + " CPU %.2f ms/connection",
            kb(sv.path("rssMarginalPerConnectionBytes").asLong()),
            sv.has("heapMarginalPerConnectionBytes")
                ? kb(sv.path("heapMarginalPerConnectionBytes").asLong())
                : "?",
            sv.path("cpuMarginalMsPerConnection").asDouble());
      }
    }
    JsonNode f = r.path("fanout");
    if (!f.isMissingNode()) {
      line(
          s,
          "  fan-out: %.1f msg/s per user for %.0f s: %.0f messages/s in, %.0f deliveries/s out",
          f.path("ratePerUser").asDouble(),
          f.path("seconds").asDouble(),
          f.path("messagesPerSecond").asDouble(),
          f.path("deliveriesPerSecond").asDouble());
      if (f.has("sendToMessageSentMs")) {
        line(s, "  send -> message_sent: %s", latency(f.path("sendToMessageSentMs")));
      }
      line(s, "  send -> delivery:     %s", latency(f.path("sendToDeliveryMs")));
      line(
          s,
          "  sent %d, delivered %d of %d expected (lost %d), errors %s, generator lag %s",
          f.path("sent").asLong(),
          f.path("deliveries").asLong(),
          f.path("expectedDeliveries").asLong(),
          f.path("lostDeliveries").asLong(),
          f.path("errors"),
          latency(f.path("sendLagMs")));
      if (f.has("serverCpuCores")) {
        line(
            s,
            "  server CPU %.2f cores (%.3f cores per 1,000 deliveries/s),"
                + " %.0f %% of it in the kernel",
            f.path("serverCpuCores").asDouble(),
            f.path("serverCpuCoresPer1kDeliveriesPerSecond").asDouble(),
            f.path("serverSystemCpuShare").asDouble() * 100);
      }
      if (f.path("serverCpuByThread").size() > 0) {
        StringJoiner threads = new StringJoiner(", ");
        f.path("serverCpuByThread")
            .fields()
            .forEachRemaining(
                t ->
                    threads.add(
                        String.format(
                            Locale.ROOT, "%s %.0f %%", t.getKey(), t.getValue().asDouble() * 100)));
        line(s, "  server CPU by thread: %s", threads);
      }
    }
    JsonNode m = r.path("machine");
    line(
        s,
        "  machine: %d cores, load average %s at start, %s at end; generator used %.2f cores",
        m.path("cores").asLong(),
        m.path("loadAverageStart").asText(),
        m.path("loadAverageEnd").asText(),
        m.path("generatorCpuCores").asDouble());
    line(
        s,
        "  verdict: %s%s",
        r.path("verdict").asText().toUpperCase(Locale.ROOT),
        r.path("failures").isEmpty() ? "" : " " + r.path("failures"));
    return s.toString();
  }

  private static String latency(JsonNode ms) {
    if (ms.path("count").asLong() == 0) {
      return "none";
    }
    return String.format(
        Locale.ROOT,
        "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (n=%d)",
        ms.path("p50").asDouble(),
        ms.path("p99").asDouble(),
        ms.path("p999").asDouble(),
        ms.path("max").asDouble(),
        ms.path("count").asLong());
  }

  private static String mb(long kb) {
    return kb < 0 ? "?" : String.format(Locale.ROOT, "%.1f MB", kb / 1024.0);
  }

  private static String kb(long bytes) {
    return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
  }

  private static void line(StringBuilder s, String format, Object... args) {
    s.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
  }
}
