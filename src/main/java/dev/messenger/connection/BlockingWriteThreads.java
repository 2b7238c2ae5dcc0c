package dev.messenger.connection;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the blocking ping and close writes run on ({@link Connection.BlockingWrites}): two
 * pools of the WAR's own, their threads made by the container's thread factory, not tasks on the
 * container's shared executor.
 *
 * <p>Why not a managed executor: on Open Liberty every managed executor runs its tasks on the
 * server's one default executor, which also reads the sockets' frames, and that executor grows a
 * thread at a time. A close of a peer that vanished or stopped reading waits 3 s in Liberty, so
 * twenty slow consumers closed together parked every thread it had (ten, on this 2-core machine):
 * for those seconds no frame was read on the node, pongs included, and healthy connections were
 * closed as idle. Threads parked here park only here.
 *
 * <p>Threads retire after 30 s without work, so an idle node holds none. Past {@link #PING_THREADS}
 * pings at once, a ping is refused and written by its caller.
 */
final class BlockingWriteThreads implements AutoCloseable {
  /**
   * Pings and probes, at most at once: a thread is made when none is free, so that a ping parked on
   * a peer that stopped reading (its socket full, the ping can wait until the idle check closes the
   * connection) never makes another connection's ping wait, which would hold that connection's
   * frames too. Quick otherwise, so a handful of threads serve a busy node.
   */
  static final int PING_THREADS = 1024;

  /** Closes: 3 s each for a vanished peer on Open Liberty, nearly all of it parked. */
  static final int CLOSE_THREADS = 64;

  /** How long a thread with no work stays. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

  private final ThreadPoolExecutor pings;
  private final ThreadPoolExecutor closes;

  BlockingWriteThreads(ThreadFactory factory) {
    this(factory, PING_THREADS, CLOSE_THREADS, KEEP_ALIVE);
  }

  BlockingWriteThreads(
      ThreadFactory factory, int pingThreads, int closeThreads, Duration keepAlive) {
    pings =
        new ThreadPoolExecutor(
            0,
            pingThreads,
            keepAlive.toNanos(),
            TimeUnit.NANOSECONDS,
            new SynchronousQueue<>(),
            named(factory, "messenger ping "));
    closes =
        new ThreadPoolExecutor(
            closeThreads,
            closeThreads,
            keepAlive.toNanos(),
            TimeUnit.NANOSECONDS,
            new LinkedBlockingQueue<>(),
            named(factory, "messenger close "));
    closes.allowCoreThreadTimeOut(true);
  }

  /** Threads alive now, pings' and closes' together. */
  int threads() {
    return pings.getPoolSize() + closes.getPoolSize();
  }

  Connection.BlockingWrites writes() {
    return new Connection.BlockingWrites(pings, closes);
  }

  private static ThreadFactory named(ThreadFactory factory, String name) {
    AtomicInteger made = new AtomicInteger();
    return task -> {
      Thread thread = factory.newThread(task);
      if (thread == null) {
        // The container's factory makes no more threads once the application stops; the
        // connection then writes on the caller's thread (Connection.offload).
        throw new RejectedExecutionException("no thread for " + name.trim());
      }
      thread.setName(name + made.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Takes no more work; what is queued still runs. */
  @Override
  public void close() {
    pings.shutdown();
    closes.shutdown();
  }
}
