package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerProbeTest {
  @Test
  void rssFromProcStatus() {
    assertEquals(
        435472, ServerProbe.parseRssKb("Name:\tjava\nVmHWM:\t  500000 kB\nVmRSS:\t  435472 kB\n"));
  }

  @Test
  void cpuTicksSkipACommandNameWithSpacesAndParentheses() {
    String stat = "1234 (my (odd) java) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 40";
    assertEquals(300, ServerProbe.parseCpuTicks(stat));
    assertEquals(new ServerProbe.CpuTicks(250, 50), ServerProbe.parseCpu(stat));
  }

  @Test
  void systemShareOfTheTimeUsedBetweenTwoReadings() {
    ServerProbe.CpuTicks before = new ServerProbe.CpuTicks(1000, 400);
    ServerProbe.CpuTicks after = new ServerProbe.CpuTicks(1100, 700);
    ServerProbe.CpuTicks used = after.since(before);
    assertEquals(new ServerProbe.CpuTicks(100, 300), used);
    assertEquals(0.75, used.systemShare(), 1e-9);
    assertEquals(0, before.since(before).systemShare());
  }

  @Test
  void liveHeapFromG1HeapInfoOfJava17AndOfJava25() {
    String info =
        "12345:\n garbage-first heap   total 524288K, used 55271K [0x0000000700000000,"
            + " 0x0000000800000000)\n  region size 2048K, 3 young (6144K), 0 survivors (0K)\n"
            + " Metaspace       used 90000K, committed 91000K, reserved 1114112K\n";
    assertEquals(55271, ServerProbe.parseHeapUsedKb(info));
    assertEquals(-1, ServerProbe.parseHeapUsedKb("no heap here"));
    String java25 =
        "19596:\ngarbage-first heap   total reserved 6172672K, committed 393216K, used 9481K"
            + " [0x0000000687400000, 0x0000000800000000)\n region size 4096K\n";
    assertEquals(9481, ServerProbe.parseHeapUsedKb(java25));
  }

  @Test
  void liveHeapFromParallelGcHeapInfoCountsBothGenerations() {
    String info =
        "19686:\n PSYoungGen      total 113152K, used 19457K [0x0000000782700000,"
            + " 0x000000078a500000, 0x0000000800000000)\n  eden space 97280K, 20% used\n"
            + " ParOldGen       total 258048K, used 300000K [0x0000000687400000,"
            + " 0x0000000697000000, 0x0000000782700000)\n  object space 258048K, 0% used\n"
            + " Metaspace       used 8896K, committed 9088K, reserved 1114112K\n";
    assertEquals(319457, ServerProbe.parseHeapUsedKb(info));
  }

  @Test
  void measuresThisVeryProcess() {
    ServerProbe self = new ServerProbe(ProcessHandle.current().pid());
    assertTrue(self.rssKb() > 0);
    assertTrue(self.cpuTicks() >= 0);
  }
}
