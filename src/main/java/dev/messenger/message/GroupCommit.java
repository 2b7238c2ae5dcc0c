package dev.messenger.message;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit without blocking the caller: items are queued by shard, one writer thread per shard
 * takes every item waiting at that moment (up to {@code maxBatch}) and writes them in one
 * transaction, then completes each item in arrival order. A commit is the expensive part of a
 * message (transaction set-up, the database's page and log writes), so under load one commit
 * carries many messages.
 *
 * <p>Callers never wait: a socket thread queues the send and returns to read the next frame, and
 * the completions (acknowledgement, broadcast) run after the commit, in threads of their own
 * (lanes) so the writer can start the next commit meanwhile. A key always completes in the same
 * lane, in commit order, so the live events of one chat leave in the order of their sequence
 * numbers; keys in different lanes complete in parallel, so that the frames of all the node's
 * broadcasts, which may be written on a lane's thread, are not serialised behind one thread. Each
 * shard bounds the items it has accepted and not yet completed (waiting for the writer, being
 * written, or waiting for their completion); past the bound an item is refused at once
 * (back-pressure) instead of adding latency and memory without end. Completions count because they
 * are real work (the frames of a broadcast may be written on their thread): under overload a writer
 * that keeps up while its completions fall behind would otherwise accept without limit.
 *
 * <p>A batch that is not full waits until its oldest item has waited {@code linger}, so that items
 * arriving meanwhile share the commit (Kafka's {@code linger.ms}, PostgreSQL's {@code
 * commit_delay}). Waiting only when the writer was idle is not enough: under steady load the writer
 * is never idle, each commit takes the few items that arrived during the last one, and batches stay
 * small exactly when the commit cost matters (at 1,000 sends/s on H2 this rule made a third fewer
 * commits and steadied the tail: bench/README.md). The linger is the most an item waits for
 * company; a writer that is behind (its oldest item older than that) never waits, and a full batch
 * never waits: the item that fills it wakes a lingering writer.
 *
 * <p>Items are spread over shards by a key (the chat), so chats proceed in parallel and each chat's
 * items are written in arrival order. No lock is held across I/O: a shard's lock guards only its
 * queue. When the writer throws, the batch is rolled back and each item is written again alone, so
 * one bad item never fails the others.
 *
 * <p>Each shard's writer and each lane is a thread of its own (from the container's managed thread
 * factory), parked while it has nothing to do and woken by the one that hands it work. Not tasks on
 * the server's executor, as before: on Open Liberty each hand-off to its managed executor (a
 * completion chain started per batch, a timer per linger) went through its policy executor and
 * thread pool, about a tenth of the node's CPU at 2,500 sends/s, where waking a parked thread is
 * one system call (bench/README.md, "The group commit on threads of its own"). A thread that is
 * busy or lingering is not woken at all.
 */
public final class GroupCommit<I, O> {
  private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());

  /** The result of one item: a value, or the exception its caller gets. */
  public record Outcome<O>(O value, RuntimeException failure) {
    public static <O> Outcome<O> of(O value) {
      return new Outcome<>(value, null);
    }

    public static <O> Outcome<O> failed(RuntimeException failure) {
      return new Outcome<>(null, failure);
    }

    public boolean ok() {
      return failure == null;
    }
  }

  private final Shard[] shards;
  private final Lane[] lanes;
  private final int maxBatch;
  private final int maxQueuedPerShard;
  private final long lingerNanos;
  private final Function<List<I>, List<Outcome<O>>> writer;
  private final List<Thread> writerThreads = new ArrayList<>();
  private final List<Thread> laneThreads = new ArrayList<>();

  /** Writers still running: the last one to end closes the lanes, after its last hand-off. */
  private final AtomicInteger writersRunning;

  /**
   * One completion lane.
   *
   * @see #GroupCommit(int, int, int, int, long, ThreadFactory, Function)
   */
  public GroupCommit(
      int shards,
      int maxBatch,
      int maxQueued,
      long lingerMicros,
      ThreadFactory threads,
      Function<List<I>, List<Outcome<O>>> writer) {
    this(shards, 1, maxBatch, maxQueued, lingerMicros, threads, writer);
  }

  /**
   * Starts a writer thread per shard and a thread per lane; {@link #close} ends them.
   *
   * @param lanes completion chains: items of one key always complete in one lane, in write order;
   *     items of keys in different lanes complete in parallel
   * @param maxQueued items accepted and not yet completed, over all shards, before {@link #submit}
   *     refuses more
   * @param lingerMicros how long a batch that is not full waits for company, from its oldest item;
   *     0: at once
   * @param threads makes the writers' and the lanes' threads
   */
  public GroupCommit(
      int shards,
      int lanes,
      int maxBatch,
      int maxQueued,
      long lingerMicros,
      ThreadFactory threads,
      Function<List<I>, List<Outcome<O>>> writer) {
    if (shards < 1 || lanes < 1 || maxBatch < 1 || maxQueued < shards || lingerMicros < 0) {
      throw new IllegalArgumentException(
          "shards, lanes and maxBatch must be positive, maxQueued at least one per shard, linger"
              + " not negative");
    }
    this.lingerNanos = TimeUnit.MICROSECONDS.toNanos(lingerMicros);
    this.maxBatch = maxBatch;
    this.maxQueuedPerShard = maxQueued / shards;
    this.writer = writer;
    this.shards = new GroupCommit.Shard[shards];
    this.lanes = new GroupCommit.Lane[lanes];
    this.writersRunning = new AtomicInteger(shards);
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = new Lane();
      laneThreads.add(start(threads, this.lanes[i], "lane " + i));
    }
    for (int i = 0; i < shards; i++) {
      this.shards[i] = new Shard();
      writerThreads.add(start(threads, this.shards[i], "writer " + i));
    }
  }

  private Thread start(ThreadFactory factory, Runnable loop, String name) {
    Thread thread = factory.newThread(loop);
    if (thread == null) {
      // Nothing was submitted yet: the lanes need not wait for the writers.
      close(Duration.ZERO);
      closeLanes();
      throw new IllegalStateException("the thread factory made no thread for the group commit");
    }
    thread.setName("group commit " + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Queues {@code item} for writing; {@code completion} later receives its outcome (on a lane's
   * thread, after the commit, in the shard's arrival order).
   *
   * @return false when the item's shard is full, or this group commit is closed: nothing was queued
   *     and completion is never called
   */
  public boolean submit(Object key, I item, Consumer<Outcome<O>> completion) {
    Shard shard = shards[Math.floorMod(key.hashCode(), shards.length)];
    shard.lock.lock();
    try {
      if (shard.closed || shard.accepted >= maxQueuedPerShard) {
        return false;
      }
      shard.accepted++;
      shard.queue.add(new Pending<>(item, completion, laneOf(key), System.nanoTime()));
      // A lingering writer is woken only when its batch is full; a busy one finds the item itself.
      if (shard.idle || (shard.lingering && shard.queue.size() >= maxBatch)) {
        shard.work.signal();
      }
      return true;
    } finally {
      shard.lock.unlock();
    }
  }

  /** A key's lane, mixed so that it does not follow the shard (both come from the key's hash). */
  private int laneOf(Object key) {
    return Math.floorMod((key.hashCode() * 0x9E3779B9) >>> 16, lanes.length);
  }

  /**
   * Items accepted and not yet completed (waiting for a writer, being written, or waiting for their
   * completion), over all shards: what {@code maxQueued} bounds.
   */
  public int queued() {
    int queued = 0;
    for (Shard shard : shards) {
      shard.lock.lock();
      try {
        queued += shard.accepted;
      } finally {
        shard.lock.unlock();
      }
    }
    return queued;
  }

  /**
   * Refuses new items, lets the writers write and the lanes complete every item accepted before,
   * then ends the threads; waits for that up to {@code grace}. Past it the threads go on until they
   * are done: an accepted item is never left without its completion.
   *
   * @return true when every thread ended in time
   */
  public boolean close(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    for (Shard shard : shards) {
      if (shard != null) {
        shard.close();
      }
    }
    boolean ended = true;
    for (Thread thread : writerThreads) {
      ended &= join(thread, deadline);
    }
    for (Thread thread : laneThreads) {
      ended &= join(thread, deadline);
    }
    return ended;
  }

  private void closeLanes() {
    for (Lane lane : lanes) {
      if (lane != null) {
        lane.close();
      }
    }
  }

  private static boolean join(Thread thread, long deadline) {
    try {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  /**
   * The outcome of every item, in order. When the writer throws, the batch was rolled back and each
   * item is written again alone, so one bad item fails only itself.
   */
  private List<Outcome<O>> write(List<I> items) {
    List<Outcome<O>> outcomes;
    try {
      outcomes = writer.apply(items);
    } catch (RuntimeException batchFailed) {
      if (items.size() == 1) {
        return List.of(Outcome.failed(batchFailed));
      }
      List<Outcome<O>> alone = new ArrayList<>(items.size());
      for (I item : items) {
        alone.addAll(write(List.of(item)));
      }
      return alone;
    }
    if (outcomes.size() != items.size()) {
      IllegalStateException broken =
          new IllegalStateException(
              "writer returned " + outcomes.size() + " outcomes for " + items.size() + " items");
      return items.stream().map(i -> Outcome.<O>failed(broken)).toList();
    }
    return outcomes;
  }

  /** A thread's loop that parks on {@link #work} while it has nothing to do, until closed. */
  private abstract static class Parked implements Runnable {
    final ReentrantLock lock = new ReentrantLock();
    final Condition work = lock.newCondition();

    /** Guarded by {@link #lock}. */
    boolean closed;

    void close() {
      lock.lock();
      try {
        closed = true;
        work.signal();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Runs tasks one at a time, in the order given, on a thread of its own. */
  private static final class Lane extends Parked {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean idle;

    void add(Runnable task) {
      lock.lock();
      try {
        tasks.add(task);
        if (idle) {
          work.signal();
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void run() {
      while (true) {
        Runnable next;
        lock.lock();
        try {
          while (tasks.isEmpty()) {
            if (closed) {
              return;
            }
            idle = true;
            work.awaitUninterruptibly();
            idle = false;
            // An interrupt is not passed on to the completions (their socket writes); the lane
            // ends at close(), once the writers have handed on their last batch.
            Thread.interrupted();
          }
          next = tasks.poll();
        } finally {
          lock.unlock();
        }
        try {
          next.run();
        } catch (RuntimeException | Error e) {
          // Pending.complete catches what a completion throws; this is a bug in the chain itself.
          LOG.log(Level.SEVERE, "a group-commit completion chain failed", e);
        }
      }
    }
  }

  /**
   * One queue and its writer thread. Completions (acknowledgements, broadcasts) run in the lanes,
   * so the writer goes on to the next commit while the last batch's frames are being sent.
   */
  private final class Shard extends Parked {
    final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();

    /** Items submitted and not yet completed; guarded by {@link #lock}. */
    int accepted;

    /** The writer waits for a first item (to be woken by it). */
    boolean idle;

    /** The writer waits for its batch's linger to run out (to be woken only by a full batch). */
    boolean lingering;

    @Override
    public void run() {
      try {
        writeUntilClosed();
      } finally {
        // The writer's last batch is in its lanes' queues: they end once they have run it.
        if (writersRunning.decrementAndGet() == 0) {
          closeLanes();
        }
      }
    }

    private void writeUntilClosed() {
      while (true) {
        List<Pending<I, O>> batch = nextBatch();
        if (batch == null) {
          return;
        }
        List<Outcome<O>> outcomes;
        try {
          outcomes = write(batch.stream().map(Pending::item).toList());
        } catch (RuntimeException | Error e) {
          // write() turns the writer's exceptions into outcomes; an Error must not end the thread
          // and strand the shard's items.
          LOG.log(Level.SEVERE, "a group-commit writer failed", e);
          RuntimeException failed = new IllegalStateException("the group commit failed", e);
          outcomes = batch.stream().map(p -> Outcome.<O>failed(failed)).toList();
        }
        complete(batch, outcomes);
      }
    }

    /**
     * Waits for items and their linger; the next batch, or null once closed with nothing left. A
     * closed shard does not linger.
     */
    private List<Pending<I, O>> nextBatch() {
      lock.lock();
      try {
        while (true) {
          if (queue.isEmpty()) {
            if (closed) {
              return null;
            }
            idle = true;
            try {
              work.await();
            } catch (InterruptedException e) {
              closed = true;
            } finally {
              idle = false;
            }
          } else {
            long lingerLeft = closed ? 0 : lingerLeftNanos();
            if (lingerLeft <= 0) {
              List<Pending<I, O>> batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
              while (batch.size() < maxBatch && !queue.isEmpty()) {
                batch.add(queue.poll());
              }
              return batch;
            }
            lingering = true;
            try {
              work.awaitNanos(lingerLeft);
            } catch (InterruptedException e) {
              closed = true;
            } finally {
              lingering = false;
            }
          }
          // An interrupt (the container stopping its threads) closes the shard; it is not passed on
          // to the JDBC and file work that writes what is left (an interrupted channel closes).
          if (Thread.interrupted()) {
            closed = true;
          }
        }
      } finally {
        lock.unlock();
      }
    }

    /** How much longer the next batch waits for company: 0 when full or its oldest item waited. */
    private long lingerLeftNanos() {
      if (lingerNanos == 0 || queue.size() >= maxBatch) {
        return 0;
      }
      return lingerNanos - (System.nanoTime() - queue.peek().queuedAtNanos());
    }

    /**
     * Hands the batch's outcomes to their lanes: each lane gets its items in write order, behind
     * the earlier batches' items of that lane.
     */
    private void complete(List<Pending<I, O>> batch, List<Outcome<O>> outcomes) {
      List<List<Integer>> byLane = new ArrayList<>(lanes.length);
      for (int l = 0; l < lanes.length; l++) {
        byLane.add(new ArrayList<>());
      }
      for (int i = 0; i < batch.size(); i++) {
        byLane.get(batch.get(i).lane()).add(i);
      }
      for (int l = 0; l < lanes.length; l++) {
        List<Integer> items = byLane.get(l);
        if (items.isEmpty()) {
          continue;
        }
        lanes[l].add(
            () -> {
              try {
                for (int i : items) {
                  batch.get(i).complete(outcomes.get(i));
                }
              } finally {
                lock.lock();
                try {
                  accepted -= items.size();
                } finally {
                  lock.unlock();
                }
              }
            });
      }
    }
  }

  private record Pending<I, O>(
      I item, Consumer<Outcome<O>> completion, int lane, long queuedAtNanos) {
    void complete(Outcome<O> outcome) {
      try {
        completion.accept(outcome);
      } catch (RuntimeException e) {
        // One caller's failing completion must not cost the rest of the batch theirs.
        LOG.log(Level.WARNING, "completion of a group-committed item failed", e);
      }
    }
  }
}
