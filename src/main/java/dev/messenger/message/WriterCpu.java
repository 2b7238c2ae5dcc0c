package dev.messenger.message;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The current thread's CPU time, for the writer's cost per stored message ({@code
 * messenger_send_writer_cpu_nanoseconds}): wall time would count the waits on the database's file
 * and the machine's other threads, and a profile is not at hand in production. One {@code
 * clock_gettime} per batch on Linux; 0 where the JVM cannot measure thread CPU time.
 */
final class WriterCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean SUPPORTED = THREADS.isCurrentThreadCpuTimeSupported();

  private WriterCpu() {}

  static long now() {
    return SUPPORTED ? THREADS.getCurrentThreadCpuTime() : 0;
  }
}
