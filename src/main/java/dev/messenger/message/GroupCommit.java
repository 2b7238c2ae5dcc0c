package dev.messenger.message;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit without blocking the caller: items are queued by shard, one writer task per shard
 * takes every item waiting at that moment (up to {@code maxBatch}) and writes them in one
 * transaction, then completes each item in arrival order. A commit is the expensive part of a
 * message (transaction set-up, the database's page and log writes), so under load one commit
 * carries many messages.
 *
 * <p>Callers never wait: a socket thread queues the send and returns to read the next frame, and
 * the completions (acknowledgement, broadcast) run after the commit, in task chains of their own
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
 * company; a writer that is behind (its oldest item older than that) never waits. A full batch does
 * not wait while the writer runs; an idle writer's timer is not cut short by one (at 256 per batch
 * and 5 ms, that would take 50,000 sends/s).
 *
 * <p>Items are spread over shards by a key (the chat), so chats proceed in parallel and each chat's
 * items are written in arrival order. No lock is held across I/O: a shard's monitor guards only its
 * queue. When the writer throws, the batch is rolled back and each item is written again alone, so
 * one bad item never fails the others.
 */
public final class GroupCommit<I, O> {
  private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());

  /**
   * Batches one writer task writes before it hands its thread back to the executor (and queues
   * itself again), so a busy shard cannot hold a pool thread for ever.
   */
  private static final int BATCHES_PER_TASK = 16;

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
  private final InOrder[] lanes;
  private final int maxBatch;
  private final int maxQueuedPerShard;
  private final long lingerMicros;
  private final ScheduledExecutorService executor;
  private final Function<List<I>, List<Outcome<O>>> writer;

  /**
   * @param maxQueued items accepted and not yet completed, over all shards, before {@link #submit}
   *     refuses more
   * @param lingerMicros how long a batch that is not full waits for company, from its oldest item;
   *     0: at once
   * @param executor runs the writer tasks; a rejected task runs on the submitting thread
   */
  public GroupCommit(
      int shards,
      int maxBatch,
      int maxQueued,
      long lingerMicros,
      ScheduledExecutorService executor,
      Function<List<I>, List<Outcome<O>>> writer) {
    this(shards, 1, maxBatch, maxQueued, lingerMicros, executor, writer);
  }

  /**
   * @param lanes completion chains: items of one key always complete in one lane, in write order;
   *     items of keys in different lanes complete in parallel
   */
  public GroupCommit(
      int shards,
      int lanes,
      int maxBatch,
      int maxQueued,
      long lingerMicros,
      ScheduledExecutorService executor,
      Function<List<I>, List<Outcome<O>>> writer) {
    if (shards < 1 || lanes < 1 || maxBatch < 1 || maxQueued < shards || lingerMicros < 0) {
      throw new IllegalArgumentException(
          "shards, lanes and maxBatch must be positive, maxQueued at least one per shard, linger"
              + " not negative");
    }
    this.lingerMicros = lingerMicros;
    this.shards = new GroupCommit.Shard[shards];
    for (int i = 0; i < shards; i++) {
      this.shards[i] = new Shard();
    }
    this.lanes = new GroupCommit.InOrder[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = new InOrder();
    }
    this.maxBatch = maxBatch;
    this.maxQueuedPerShard = maxQueued / shards;
    this.executor = executor;
    this.writer = writer;
  }

  /**
   * Queues {@code item} for writing; {@code completion} later receives its outcome (on a pool
   * thread, after the commit, in the shard's arrival order).
   *
   * @return false when the item's shard is full: nothing was queued and completion is never called
   */
  public boolean submit(Object key, I item, Consumer<Outcome<O>> completion) {
    Shard shard = shards[Math.floorMod(key.hashCode(), shards.length)];
    boolean start;
    synchronized (shard) {
      if (shard.accepted >= maxQueuedPerShard) {
        return false;
      }
      shard.accepted++;
      shard.queue.add(new Pending<>(item, completion, laneOf(key), System.nanoTime()));
      start = !shard.scheduled;
      shard.scheduled = true;
    }
    if (start) {
      schedule(shard, lingerMicros);
    }
    return true;
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
      synchronized (shard) {
        queued += shard.accepted;
      }
    }
    return queued;
  }

  private void schedule(Shard shard, long delayMicros) {
    try {
      if (delayMicros > 0) {
        executor.schedule(shard, delayMicros, TimeUnit.MICROSECONDS);
      } else {
        executor.execute(shard);
      }
    } catch (RejectedExecutionException e) {
      // A pool that refuses work (shutting down, saturated) must not strand queued items, nor
      // would it run a timer: write them now.
      shard.drain(false);
    }
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

  /**
   * Runs tasks one at a time, in the order given, on the executor; never holds a pool thread idle.
   */
  private final class InOrder implements Runnable {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    void add(Runnable task) {
      boolean start;
      synchronized (this) {
        tasks.add(task);
        start = !scheduled;
        scheduled = true;
      }
      if (start) {
        try {
          executor.execute(this);
        } catch (RejectedExecutionException e) {
          run();
        }
      }
    }

    @Override
    public void run() {
      for (int round = 0; round < BATCHES_PER_TASK; round++) {
        Runnable next;
        synchronized (this) {
          next = tasks.poll();
          if (next == null) {
            scheduled = false;
            return;
          }
        }
        next.run();
      }
      synchronized (this) {
        if (tasks.isEmpty()) {
          scheduled = false;
          return;
        }
      }
      try {
        executor.execute(this);
      } catch (RejectedExecutionException e) {
        run();
      }
    }
  }

  /**
   * One queue and, while it has items, exactly one writer task. Completions (acknowledgements,
   * broadcasts) run in the lanes, so the writer goes on to the next commit while the last batch's
   * frames are being sent.
   */
  private final class Shard implements Runnable {
    final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
    boolean scheduled;

    /** Items submitted and not yet completed; guarded by this shard's monitor. */
    int accepted;

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
                synchronized (this) {
                  accepted -= items.size();
                }
              }
            });
      }
    }

    /** How much longer the next batch waits for company: 0 when full or its oldest item waited. */
    long lingerLeftNanos() {
      if (lingerMicros == 0 || queue.size() >= maxBatch) {
        return 0;
      }
      long waited = System.nanoTime() - queue.peek().queuedAtNanos();
      return Math.max(0, TimeUnit.MICROSECONDS.toNanos(lingerMicros) - waited);
    }

    @Override
    public void run() {
      drain(true);
    }

    /** Writes batches until the queue is empty or this task has had its turn. */
    void drain(boolean mayLinger) {
      for (int round = 0; round < BATCHES_PER_TASK; round++) {
        List<Pending<I, O>> batch;
        long lingerLeftNanos;
        synchronized (this) {
          if (queue.isEmpty()) {
            scheduled = false;
            return;
          }
          lingerLeftNanos = mayLinger ? lingerLeftNanos() : 0;
          if (lingerLeftNanos > 0) {
            batch = null; // stays scheduled: the timer below runs it
          } else {
            batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
            while (batch.size() < maxBatch && !queue.isEmpty()) {
              batch.add(queue.poll());
            }
          }
        }
        if (batch == null) {
          schedule(this, TimeUnit.NANOSECONDS.toMicros(lingerLeftNanos) + 1);
          return;
        }
        List<Outcome<O>> outcomes = write(batch.stream().map(Pending::item).toList());
        complete(batch, outcomes);
      }
      synchronized (this) {
        if (queue.isEmpty()) {
          scheduled = false;
          return;
        }
      }
      schedule(this, 0);
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
