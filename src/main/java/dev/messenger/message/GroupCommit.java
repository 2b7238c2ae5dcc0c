package dev.messenger.message;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Group commit: concurrent callers hand in their items, one of them (the leader) writes every item
 * waiting at that moment in one transaction, and each caller returns when its own item is durable.
 * A commit is the expensive part of a message (transaction set-up, the database's log write), so
 * under load one commit carries many messages instead of one each, with no timer and no added
 * latency when idle: a lone caller leads a batch of one.
 *
 * <p>Items are spread over shards by a key (the chat), each with its own leader, so chats proceed
 * in parallel and no lock is held across I/O: the shard's monitor only guards its queue, and
 * callers wait for their own result. Within a shard items are written in arrival order.
 *
 * <p>The writer returns one outcome per item, in order. When it throws, the batch is rolled back
 * and each item is written again alone, so one bad item never fails the others.
 */
public final class GroupCommit<I, O> {
  /** The result of one item: a value, or the exception its caller gets. */
  public record Outcome<O>(O value, RuntimeException failure) {
    public static <O> Outcome<O> of(O value) {
      return new Outcome<>(value, null);
    }

    public static <O> Outcome<O> failed(RuntimeException failure) {
      return new Outcome<>(null, failure);
    }
  }

  private final Shard<I, O>[] shards;
  private final int maxBatch;
  private final Function<List<I>, List<Outcome<O>>> writer;

  @SuppressWarnings("unchecked")
  public GroupCommit(int shards, int maxBatch, Function<List<I>, List<Outcome<O>>> writer) {
    if (shards < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("shards and maxBatch must be positive");
    }
    this.shards = new Shard[shards];
    for (int i = 0; i < shards; i++) {
      this.shards[i] = new Shard<>();
    }
    this.maxBatch = maxBatch;
    this.writer = writer;
  }

  /** Writes {@code item} (with whatever else is waiting in its shard) and returns its value. */
  public O submit(Object key, I item) {
    Shard<I, O> shard = shards[Math.floorMod(key.hashCode(), shards.length)];
    Pending<I, O> mine = new Pending<>(item);
    synchronized (shard) {
      shard.queue.add(mine);
    }
    while (true) {
      List<Pending<I, O>> batch;
      synchronized (shard) {
        while (!mine.done && shard.writing) {
          try {
            shard.wait();
          } catch (InterruptedException e) {
            // The item may still be written by the leader; keep waiting for its outcome.
            Thread.currentThread().interrupt();
          }
        }
        if (mine.done) {
          return mine.result();
        }
        shard.writing = true;
        batch = new ArrayList<>(Math.min(maxBatch, shard.queue.size()));
        while (batch.size() < maxBatch && !shard.queue.isEmpty()) {
          batch.add(shard.queue.poll());
        }
      }
      try {
        write(batch);
      } finally {
        synchronized (shard) {
          shard.writing = false;
          shard.notifyAll();
        }
      }
    }
  }

  /** Items waiting for a writer, over all shards. */
  public int queued() {
    int queued = 0;
    for (Shard<I, O> shard : shards) {
      synchronized (shard) {
        queued += shard.queue.size();
      }
    }
    return queued;
  }

  private void write(List<Pending<I, O>> batch) {
    List<Outcome<O>> outcomes;
    try {
      outcomes = writer.apply(batch.stream().map(p -> p.item).toList());
    } catch (RuntimeException batchFailed) {
      if (batch.size() == 1) {
        batch.get(0).finish(Outcome.failed(batchFailed));
        return;
      }
      for (Pending<I, O> pending : batch) {
        write(List.of(pending));
      }
      return;
    }
    if (outcomes.size() != batch.size()) {
      IllegalStateException broken =
          new IllegalStateException(
              "writer returned " + outcomes.size() + " outcomes for " + batch.size() + " items");
      batch.forEach(p -> p.finish(Outcome.failed(broken)));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).finish(outcomes.get(i));
    }
  }

  private static final class Shard<I, O> {
    final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
    boolean writing;
  }

  private static final class Pending<I, O> {
    final I item;
    volatile boolean done;
    Outcome<O> outcome;

    Pending(I item) {
      this.item = item;
    }

    /** Called by the leader, outside the shard's monitor; published by its notifyAll. */
    void finish(Outcome<O> outcome) {
      this.outcome = outcome;
      this.done = true;
    }

    O result() {
      if (outcome.failure() != null) {
        throw outcome.failure();
      }
      return outcome.value();
    }
  }
}
