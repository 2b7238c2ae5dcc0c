package dev.messenger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a local JVM's figures: RSS from /proc/PID/status, CPU time from /proc/PID/stat, and live
 * heap after a full GC from jcmd (GC.run, then GC.heap_info).
 */
final class ServerProbe {
  private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  /**
   * A heap or generation line of GC.heap_info: "total 524288K, used 55271K" up to Java 21, "total
   * reserved 6172672K, committed 393216K, used 9481K" on Java 25 (a server may run on either).
   */
  private static final Pattern HEAP_USED =
      Pattern.compile("total (?:reserved )?\\d+K, (?:committed \\d+K, )?used (\\d+)K");

  /** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
  static final long TICKS_PER_SECOND = 100;

  private final long pid;

  ServerProbe(long pid) {
    this.pid = pid;
    if (!Files.exists(Path.of("/proc/" + pid))) {
      throw new IllegalArgumentException("no process " + pid + " to measure");
    }
  }

  long pid() {
    return pid;
  }

  long rssKb() {
    return parseRssKb(read("/proc/" + pid + "/status"));
  }

  /** User plus system CPU time, in clock ticks. */
  long cpuTicks() {
    return cpu().total();
  }

  /** User and system CPU time, in clock ticks. */
  CpuTicks cpu() {
    return parseCpu(read("/proc/" + pid + "/stat"));
  }

  /**
   * A process's CPU time split as the kernel accounts it: system time is spent in system calls and
   * the interrupts they run inline (on loopback, the TCP stack of both ends of a connection).
   */
  record CpuTicks(long user, long system) {
    long total() {
      return user + system;
    }

    CpuTicks since(CpuTicks earlier) {
      return new CpuTicks(user - earlier.user, system - earlier.system);
    }

    /** The share of the time in the kernel, 0 when no time was used. */
    double systemShare() {
      return total() == 0 ? 0 : (double) system / total();
    }
  }

  /** Live heap in KB after a full collection, or -1 when jcmd fails. */
  long heapAfterGcKb() {
    String gc = jcmd("GC.run");
    if (gc == null) {
      return -1;
    }
    String info = jcmd("GC.heap_info");
    return info == null ? -1 : parseHeapUsedKb(info);
  }

  static long parseRssKb(String status) {
    Matcher m = VM_RSS.matcher(status);
    if (!m.find()) {
      throw new IllegalStateException("no VmRSS in /proc status");
    }
    return Long.parseLong(m.group(1));
  }

  static long parseCpuTicks(String stat) {
    return parseCpu(stat).total();
  }

  static CpuTicks parseCpu(String stat) {
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    // Fields 14 and 15 of proc(5): utime and stime.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return new CpuTicks(Long.parseLong(fields[11]), Long.parseLong(fields[12]));
  }

  /**
   * Sums the used figure of every generation: G1 prints one line for the whole heap, ParallelGC and
   * SerialGC one per generation (the young one first, so the first line alone would miss the old).
   */
  static long parseHeapUsedKb(String heapInfo) {
    Matcher m = HEAP_USED.matcher(heapInfo);
    long used = -1;
    while (m.find()) {
      used = Math.max(used, 0) + Long.parseLong(m.group(1));
    }
    return used;
  }

  /** This machine's load average (1, 5, 15 minutes), as /proc/loadavg gives it. */
  static String loadAverage() {
    String[] parts = read("/proc/loadavg").trim().split(" ");
    return parts[0] + " " + parts[1] + " " + parts[2];
  }

  /** CPU ticks of this generator process, to show how much of the machine the client took. */
  static long ownCpuTicks() {
    return parseCpuTicks(read("/proc/self/stat"));
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private String jcmd(String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        System.err.println("jcmd " + pid + " " + command + " failed: " + out.trim());
        return null;
      }
      return out;
    } catch (IOException e) {
      System.err.println("jcmd " + pid + " " + command + " failed: " + e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
