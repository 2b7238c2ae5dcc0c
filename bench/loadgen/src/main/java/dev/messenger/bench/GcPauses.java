package dev.messenger.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The young-collection pauses of a run, read from the server's {@code -Xlog:gc} log: those after
 * the generator's last heap probe (a full GC), i.e. those of the fan-out itself; with no probe, all
 * of the run's. At 5,000 users the send→{@code message_sent} p99 cannot be well under their length
 * (bench/README.md, "Where the 5,000-user tail comes from").
 *
 * <p>Reads the unified-logging line of G1 and ParallelGC on Java 17 and 25, e.g. {@code
 * [84.458s][info][gc] GC(29) Pause Young (Normal) (G1 Evacuation Pause) 760M->229M(938M)
 * 100.115ms}. A collector without such lines (ZGC) has none.
 */
record GcPauses(List<Double> millis) {
  private static final Pattern PAUSE_MS = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)ms$");

  static GcPauses fromLog(List<String> lines) {
    List<Double> pauses = new ArrayList<>();
    for (String line : lines) {
      if (line.contains("Pause Full")) {
        pauses.clear();
      } else if (line.contains("Pause Young")) {
        Matcher m = PAUSE_MS.matcher(line.strip());
        if (m.find()) {
          pauses.add(Double.parseDouble(m.group(1)));
        }
      }
    }
    return new GcPauses(pauses.stream().sorted().toList());
  }

  String summary() {
    if (millis.isEmpty()) {
      return "young GC pauses during the run: none logged";
    }
    double total = millis.stream().mapToDouble(Double::doubleValue).sum();
    return String.format(
        Locale.ROOT,
        "young GC pauses during the run: %d, total %.0f ms, p50 %.1f ms, max %.1f ms",
        millis.size(),
        total,
        millis.get(millis.size() / 2),
        millis.get(millis.size() - 1));
  }
}
