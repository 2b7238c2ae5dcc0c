package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScenarioProbeTest {

  @Test
  void connectCpuLeavesOutTheCollectionsThatTheHeapProbesForce() {
    // Ticks before / after each probe's heap measurement: 100 -> 150, then 400 -> 460, then 700.
    Scenario.Probe before = new Scenario.Probe(1, 1, 100, 150);
    Scenario.Probe middle = new Scenario.Probe(1, 1, 400, 460);
    Scenario.Probe connected = new Scenario.Probe(1, 1, 700, 790);

    assertEquals(250, before.cpuTicksUntil(middle));
    assertEquals(240, middle.cpuTicksUntil(connected));
  }

  @Test
  void withoutAHeapMeasurementTheProbeTakesNoTimeOfItsOwn() {
    Scenario.Probe none = Scenario.Probe.take(null, true);

    assertEquals(none.cpuTicks(), none.cpuTicksAfter());
  }
}
