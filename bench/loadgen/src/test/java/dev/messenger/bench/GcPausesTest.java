package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GcPausesTest {
  // Lines as Java 25's -Xlog:gc wrote them for a bench server (G1, then the generator's heap
  // probe).
  private static final List<String> G1 =
      List.of(
          "[13.151s][info][gc] GC(12) Pause Young (Normal) (G1 Evacuation Pause) 324M->56M(512M)"
              + " 67.299ms",
          "[21.390s][info][gc] GC(14) Pause Remark 68M->68M(512M) 17.899ms",
          "[27.784s][info][gc] GC(15) Pause Full (Diagnostic Command) 251M->54M(512M) 181.717ms",
          "[34.042s][info][gc] GC(16) Pause Young (Normal) (G1 Evacuation Pause) 360M->82M(512M)"
              + " 40.644ms",
          "[38.224s][info][gc] GC(17) Pause Young (Normal) (G1 Evacuation Pause) 360M->106M(512M)"
              + " 101.248ms",
          "[43.908s][info][gc] GC(19) Pause Young (Concurrent Start) (Metadata GC Threshold)"
              + " 421M->145M(512M) 62.304ms",
          "[45.000s][info][gc] GC(20) Pause Young (Normal) (G1 Evacuation Pause) cut off");

  @Test
  void onlyThePausesAfterTheLastFullCollectionCount() {
    GcPauses pauses = GcPauses.fromLog(G1);
    assertEquals(List.of(40.644, 62.304, 101.248), pauses.millis());
    assertEquals(
        "young GC pauses during the run: 3, total 204 ms, p50 62.3 ms, max 101.2 ms",
        pauses.summary());
  }

  @Test
  void markCyclesAndTheirPausesAfterTheLastFullCollectionAreCountedApart() {
    GcPauses pauses =
        GcPauses.fromLog(
            List.of(
                "[24.158s][info][gc] GC(14) Concurrent Mark Cycle",
                "[24.528s][info][gc] GC(14) Pause Remark 70M->70M(512M) 42.010ms",
                "[24.664s][info][gc] GC(14) Concurrent Mark Cycle 506.567ms",
                "[27.206s][info][gc] GC(15) Pause Full (Diagnostic Command) 164M->53M(512M)"
                    + " 185.914ms",
                "[86.103s][info][gc] GC(34) Pause Young (Concurrent Start) (G1 Humongous"
                    + " Allocation) 404M->204M(720M) 25.984ms",
                "[86.103s][info][gc] GC(35) Concurrent Mark Cycle",
                "[86.872s][info][gc] GC(35) Pause Remark 277M->277M(694M) 32.336ms",
                "[87.183s][info][gc] GC(35) Pause Cleanup 314M->314M(694M) 0.125ms",
                "[87.199s][info][gc] GC(35) Concurrent Mark Cycle 1096.413ms",
                "[90.683s][info][gc] GC(36) Pause Young (Prepare Mixed) (G1 Evacuation Pause)"
                    + " 622M->210M(694M) 31.756ms",
                "[95.174s][info][gc] GC(37) Pause Young (Mixed) (G1 Evacuation Pause)"
                    + " 616M->210M(694M) 30.508ms",
                "[99.620s][info][gc] GC(39) Concurrent Mark Cycle"));
    assertEquals(List.of(25.984, 30.508, 31.756), pauses.millis());
    assertEquals(List.of(0.125, 32.336), pauses.otherMillis());
    assertEquals(1, pauses.markCycles());
    assertEquals(
        "young GC pauses during the run: 3, total 88 ms, p50 30.5 ms, max 31.8 ms;"
            + " concurrent mark cycles 1, remark and cleanup pauses 2, total 32 ms",
        pauses.summary());
  }

  @Test
  void parallelGcLinesAndAnEvenCount() {
    GcPauses pauses =
        GcPauses.fromLog(
            List.of(
                "[59.671s][info][gc] GC(14) Pause Young (Allocation Failure) 670M->195M(892M)"
                    + " 103.159ms",
                "[64.635s][info][gc] GC(15) Pause Young (Allocation Failure) 694M->203M(890M)"
                    + " 100.461ms"));
    assertEquals(
        "young GC pauses during the run: 2, total 204 ms, p50 103.2 ms, max 103.2 ms",
        pauses.summary());
  }

  @Test
  void aCollectorWithoutYoungPausesHasNone() {
    GcPauses pauses =
        GcPauses.fromLog(
            List.of(
                "[132.162s][info][gc] GC(14) Minor Collection (Allocation Rate)"
                    + " 1922M(47%)->1004M(25%) 3.861s"));
    assertEquals("young GC pauses during the run: none logged", pauses.summary());
  }

  @Test
  void aMissingLogIsABadSetupWithItsName(@TempDir Path dir) {
    CommandLine cli = LoadGenerator.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    Path missing = dir.resolve("gc-fanout-product.log");
    assertEquals(LoadGenerator.BAD_SETUP, cli.execute("gc-pauses", missing.toString()));
    assertEquals(true, err.toString().contains("cannot read " + missing));
  }

  @Test
  void theCommandPrintsTheSummary(@TempDir Path dir) throws Exception {
    Path log = Files.write(dir.resolve("gc.log"), G1);
    assertEquals(0, LoadGenerator.commandLine().execute("gc-pauses", log.toString()));
  }
}
