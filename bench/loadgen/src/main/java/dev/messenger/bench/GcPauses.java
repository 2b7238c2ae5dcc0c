package dev.messenger.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector's pauses of a run, read from the server's {@code -Xlog:gc} log: those after the
 * generator's last heap probe (a full GC), i.e. those of the fan-out itself; with no probe, all of
 * the run's. At 5,000 users the send→{@code message_sent} p99 cannot be well under the young
 * pauses' length (bench/README.md, "Where the 5,000-user tail comes from").
 *
 * <p>Besides the young pauses, G1's other stop-the-world pauses (remark and cleanup) and its
 * concurrent mark cycles: a cycle adds a remark pause as long as a young one, mixed collections and
 * a concurrent thread's CPU, and when the live set sits above G1's adaptive threshold it runs one
 * every few young collections (bench/README.md, "G1's marking cycles").
 *
 * <p>Reads the unified-logging line of G1 and ParallelGC on Java 17 and 25, e.g. {@code
 * [84.458s][info][gc] GC(29) Pause Young (Normal) (G1 Evacuation Pause) 760M->229M(938M)
 * 100.115ms}. A collector without such lines (ZGC) has none.
 */
record GcPauses(List<Double> millis, List<Double> otherMillis, int markCycles) {
  private static final Pattern PAUSE_MS = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)ms$");
  // The cycle's end line: "GC(35) Concurrent Mark Cycle 1096.413ms" (its start line has no time).
  private static final Pattern MARK_CYCLE_END =
      Pattern.compile("Concurrent Mark Cycle [0-9]+(?:\\.[0-9]+)?ms$");

  static GcPauses fromLog(List<String> lines) {
    List<Double> pauses = new ArrayList<>();
    List<Double> others = new ArrayList<>();
    int cycles = 0;
    for (String line : lines) {
      String l = line.strip();
      if (l.contains("Pause Full")) {
        pauses.clear();
        others.clear();
        cycles = 0;
      } else if (l.contains("Pause Young")) {
        millisOf(l, pauses);
      } else if (l.contains("Pause Remark") || l.contains("Pause Cleanup")) {
        millisOf(l, others);
      } else if (MARK_CYCLE_END.matcher(l).find()) {
        cycles++;
      }
    }
    return new GcPauses(
        pauses.stream().sorted().toList(), others.stream().sorted().toList(), cycles);
  }

  private static void millisOf(String line, List<Double> into) {
    Matcher m = PAUSE_MS.matcher(line);
    if (m.find()) {
      into.add(Double.parseDouble(m.group(1)));
    }
  }

  String summary() {
    if (millis.isEmpty()) {
      return "young GC pauses during the run: none logged";
    }
    String young =
        String.format(
            Locale.ROOT,
            "young GC pauses during the run: %d, total %.0f ms, p50 %.1f ms, max %.1f ms",
            millis.size(),
            total(millis),
            millis.get(millis.size() / 2),
            millis.get(millis.size() - 1));
    if (otherMillis.isEmpty() && markCycles == 0) {
      return young;
    }
    return young
        + String.format(
            Locale.ROOT,
            "; concurrent mark cycles %d, remark and cleanup pauses %d, total %.0f ms",
            markCycles,
            otherMillis.size(),
            total(otherMillis));
  }

  private static double total(List<Double> pauses) {
    return pauses.stream().mapToDouble(Double::doubleValue).sum();
  }
}
