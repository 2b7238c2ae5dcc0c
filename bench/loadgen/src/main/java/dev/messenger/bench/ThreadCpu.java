package dev.messenger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a process's CPU time went between two readings, by thread: every run says which of the
 * server's threads (the send path's, the container's readers, the JIT compiler, the collector) used
 * the cores, without a profiler attached. Threads are grouped by their name as the kernel keeps it
 * (/proc/PID/task/TID/stat: the first 15 characters) without the trailing number, so "GC Thread#0"
 * and "GC Thread#1" add up.
 */
final class ThreadCpu {
  /** How many groups a report names; the rest add up to {@link #OTHER}. */
  static final int NAMED = 8;

  static final String OTHER = "(other threads)";

  /**
   * Time no reading saw: threads that ended inside the window (a pool shrinking) after their last
   * reading; the process's own total minus what the readings account for.
   */
  static final String ENDED = "(ended threads)";

  private ThreadCpu() {}

  /** One thread at one reading. */
  record Sample(String group, long ticks) {}

  /**
   * Readings of one process across a window: a thread that ends inside it keeps its last reading,
   * so a pool that shrinks and grows (Liberty's executor does every few seconds) is still counted
   * by name up to the last {@link #read()}. A thread id reused within the window would be taken for
   * the thread that had it; Linux hands ids out in order up to pid_max first.
   */
  static final class Window {
    private final long pid;
    private final Map<Long, Sample> first;
    private final Map<Long, Sample> last;

    Window(long pid) {
      this.pid = pid;
      this.first = ThreadCpu.read(pid);
      this.last = new HashMap<>(first);
    }

    /** Reads every thread again. */
    void read() {
      last.putAll(ThreadCpu.read(pid));
    }

    /** The groups' shares of {@code processTicks} since the window opened. */
    Map<String, Double> shares(long processTicks) {
      return ThreadCpu.shares(first, last, processTicks);
    }
  }

  /** Every thread of the process now, by thread id; empty when the process is gone. */
  static Map<Long, Sample> read(long pid) {
    Map<Long, Sample> threads = new HashMap<>();
    Path dir = Path.of("/proc/" + pid + "/task");
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir)) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
          threads.put(Long.parseLong(task.getFileName().toString()), parse(stat));
        } catch (IOException ended) {
          // The thread ended between the listing and the read (ENOENT, or ESRCH while it is being
          // reaped): its time since its last reading counts as ended, the run goes on.
        }
      }
    } catch (NoSuchFileException gone) {
      return Map.of();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the threads of process " + pid, e);
    }
    return threads;
  }

  /** A /proc task stat line: the thread's group and its user plus system ticks. */
  static Sample parse(String stat) {
    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    return new Sample(group(name), ServerProbe.parseCpuTicks(stat));
  }

  /** The thread's name without its trailing number ("GC Thread#1" → "GC Thread"). */
  static String group(String name) {
    String group = name.replaceFirst("[\\s#_-]*\\d+$", "").strip();
    return group.isEmpty() ? name : group;
  }

  /**
   * The share of {@code processTicks} each group used between the readings, largest first: the
   * {@link #NAMED} largest by name, then {@link #OTHER} and {@link #ENDED} when not zero. A thread
   * that started in between counts from zero.
   */
  static Map<String, Double> shares(
      Map<Long, Sample> before, Map<Long, Sample> after, long processTicks) {
    Map<String, Long> byGroup = new HashMap<>();
    long accounted = 0;
    for (Map.Entry<Long, Sample> thread : after.entrySet()) {
      Sample then = before.get(thread.getKey());
      long used = thread.getValue().ticks() - (then == null ? 0 : then.ticks());
      if (used > 0) {
        byGroup.merge(thread.getValue().group(), used, Long::sum);
        accounted += used;
      }
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    if (processTicks <= 0) {
      return shares;
    }
    List<Map.Entry<String, Long>> largest = new ArrayList<>(byGroup.entrySet());
    largest.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    long other = 0;
    for (int i = 0; i < largest.size(); i++) {
      if (i < NAMED) {
        shares.put(largest.get(i).getKey(), (double) largest.get(i).getValue() / processTicks);
      } else {
        other += largest.get(i).getValue();
      }
    }
    if (other > 0) {
      shares.put(OTHER, (double) other / processTicks);
    }
    if (processTicks > accounted) {
      shares.put(ENDED, (double) (processTicks - accounted) / processTicks);
    }
    return shares;
  }
}
