package dev.messenger.monitor;

import java.time.Duration;

/**
 * Lets one monitor tick run at a time, and lets the application stop wait for the tick under way: a
 * tick still running when the server closes the application's class loader fails with {@code
 * NoClassDefFoundError} half-way (seen on Payara during an undeploy).
 */
final class TickGate {
  private Thread running;
  private boolean closed;

  /**
   * False when a tick is already running (a slow tick must not overlap the next) or after close.
   */
  synchronized boolean enter() {
    if (running != null || closed) {
      return false;
    }
    running = Thread.currentThread();
    return true;
  }

  synchronized void exit() {
    running = null;
    notifyAll();
  }

  /** The thread running the tick under way; null when none is. */
  synchronized Thread running() {
    return running;
  }

  /**
   * Refuses every later tick and waits up to {@code limit} for the one under way.
   *
   * @return true when no tick is running any more
   */
  synchronized boolean close(Duration limit) throws InterruptedException {
    closed = true;
    long deadline = System.nanoTime() + limit.toNanos();
    while (running != null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
