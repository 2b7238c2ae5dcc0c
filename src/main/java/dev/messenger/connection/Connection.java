package dev.messenger.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One live socket of one user. Outgoing frames go through a queue drained by one write at a time,
 * so any thread can send without blocking on a slow peer and without holding a lock across I/O; the
 * queue is bounded in bytes (a peer that stops reading is closed, not buffered without end). Writes
 * are made on the sender's thread while the peer has proven, by answering pings, that it reads (the
 * inline credit, {@code messenger.outbound.inline-credit-bytes}; see {@link #drain(boolean)}), and
 * asynchronously past it.
 *
 * <p>The two writes the container only offers as blocking calls, the ping and the close, run on the
 * {@link BlockingWrites} executors and never on the caller's thread (the one exception is the
 * inline credit's probe, a ping written within the credit, which a reading peer's socket has room
 * for): the callers are the monitor's one timer (one peer that does not read would stall every
 * heartbeat of the node) and the fan-out (closing a slow consumer, which by definition does not
 * read, would stall a sender). Open Liberty writes both synchronously, even through the
 * asynchronous remote.
 */
public final class Connection {
  private static final Logger LOG = Logger.getLogger(Connection.class.getName());
  private static final Object PING = new Object();

  /** 1013 Try Again Later: the peer read too slowly for the traffic it subscribed to. */
  public static final CloseReason.CloseCode SLOW_CONSUMER = CloseReason.CloseCodes.TRY_AGAIN_LATER;

  /** 1008 Policy Violation: the token the connection was opened with has expired. */
  public static final CloseReason.CloseCode TOKEN_EXPIRED = CloseReason.CloseCodes.VIOLATED_POLICY;

  private final String id;
  private final String userId;
  private final Session session;
  private final long maxQueuedBytes;
  private final BlockingWrites blocking;
  private final Map<String, ChatSubscription> chats = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Object> outbound = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean closeWritten;
  private final AtomicReference<CloseReason> closingAfterWrites = new AtomicReference<>();
  private final AtomicInteger handling = new AtomicInteger();
  private volatile boolean draining;
  private volatile long lastSeenNanos;
  // A ping or probe is written and its pong has not come back: the peer will write, so the drain
  // must not close the socket yet (isQuiet(long, long)).
  private volatile boolean pongAwaited;
  // Written by the one completion under way at a time (the writer flag orders them).
  private volatile long writesCompleted;
  // The monitor's ticks never overlap (TickGate), so this needs no atomic.
  private long writesCompletedAtLastPing;
  private long tokenExpiresAtMillis = Long.MAX_VALUE;

  // Inline writes (see drain): bytes written, inline or not, that the peer has not yet proven to
  // have read, and the probe (a ping with an id) whose pong will prove it.
  private final long inlineCredit;
  private final AtomicLong unconfirmed = new AtomicLong();
  private final AtomicReference<Probe> probe = new AtomicReference<>();

  /**
   * The container's blocking sender, fetched once: Liberty builds a new one on every {@code
   * getBasicRemote()}, which was a wrapper object per frame delivered. Used under the writer flag
   * only; two threads racing to set it would each set a working sender.
   */
  private RemoteEndpoint.Basic basicRemote;

  // Written only by the thread holding the writer flag.
  private long probesSent;

  private record Probe(long id, long bytes) {}

  /**
   * Where the blocking writes run; a task an executor refuses runs on the caller.
   *
   * <p>Pings (and the credit's probes) and closes go to different executors. A probe or ping holds
   * its connection's writer flag from the moment it is handed over until it is written, so every
   * frame of that connection waits for it; a close, though, can take seconds: Open Liberty's close
   * of a peer that vanished (its socket still open on our side, a write to it just failed) waits 3
   * s for the read under way on the link. With one executor, peers vanishing together queued the
   * probes of healthy connections behind their closes (up to 0.8 s in PeersLeavingMidStreamIT, and
   * long enough in one CI run in five to starve a peer of its frames for 10 s). On the server, both
   * are pools of threads of their own ({@link BlockingWriteThreads}).
   *
   * @param pings runs the pings and the probes that cannot be written on the caller's thread
   * @param closes runs the close frames' writes
   */
  public record BlockingWrites(Executor pings, Executor closes) {
    /** One executor for both (tests, and a caller with nothing to keep apart). */
    public static BlockingWrites on(Executor executor) {
      return new BlockingWrites(executor, executor);
    }
  }

  /**
   * @param blocking where the blocking ping and close writes run
   */
  public Connection(
      String userId,
      Session session,
      long maxQueuedBytes,
      long inlineCredit,
      long nowNanos,
      BlockingWrites blocking) {
    this.id = session.getId();
    this.inlineCredit = inlineCredit;
    this.userId = userId;
    this.session = session;
    this.maxQueuedBytes = maxQueuedBytes;
    this.lastSeenNanos = nowNanos;
    this.blocking = blocking;
  }

  /** For tests: every frame written asynchronously. */
  Connection(
      String userId, Session session, long maxQueuedBytes, long nowNanos, Executor blocking) {
    this(userId, session, maxQueuedBytes, 0, nowNanos, BlockingWrites.on(blocking));
  }

  /** For tests: the blocking writes run on the caller. */
  Connection(String userId, Session session, long maxQueuedBytes, long nowNanos) {
    this(userId, session, maxQueuedBytes, 0, nowNanos, BlockingWrites.on(Runnable::run));
  }

  public String id() {
    return id;
  }

  public String userId() {
    return userId;
  }

  public long lastSeenNanos() {
    return lastSeenNanos;
  }

  /** Any frame or pong from the peer proves it is alive. */
  public void touch(long nowNanos) {
    lastSeenNanos = nowNanos;
  }

  public boolean isOpen() {
    return !closed.get() && session.isOpen();
  }

  // ---- credentials
  // --------------------------------------------------------------------------------

  /** Epoch milliseconds at which the connection's token expires; {@code Long.MAX_VALUE}: never. */
  public synchronized long tokenExpiresAt() {
    return tokenExpiresAtMillis;
  }

  public synchronized void tokenExpiresAt(long epochMillis) {
    tokenExpiresAtMillis = epochMillis;
  }

  public synchronized boolean tokenExpired(long nowMillis) {
    return nowMillis >= tokenExpiresAtMillis;
  }

  /**
   * Moves the expiry to a fresh token's, unless the current token has expired already: a connection
   * past its expiry is closed at the next monitor tick and cannot be revived by a late refresh.
   *
   * @return false when the current token had expired
   */
  public synchronized boolean refreshToken(long newExpiresAtMillis, long nowMillis) {
    if (nowMillis >= tokenExpiresAtMillis) {
      return false;
    }
    tokenExpiresAtMillis = newExpiresAtMillis;
    return true;
  }

  // ---- inbound events and shutdown
  // ----------------------------------------------------------------

  /**
   * Called before handling an inbound event; false once the node is draining, when the event must
   * be dropped (the client resends what was not acknowledged after it reconnects elsewhere). Every
   * true must be paired with {@link #endEvent()}.
   */
  public boolean beginEvent() {
    handling.incrementAndGet();
    if (draining) {
      handling.decrementAndGet();
      return false;
    }
    return true;
  }

  /**
   * Keeps the connection from counting as quiet while work started by the current event finishes on
   * another thread (a queued send); paired with {@link #endEvent()} when that work is done.
   */
  public void continueEventElsewhere() {
    handling.incrementAndGet();
  }

  public void endEvent() {
    handling.decrementAndGet();
  }

  /** Stops accepting inbound events; those being handled run to the end. */
  public void stopAccepting() {
    draining = true;
  }

  /**
   * Nothing more will be written unless someone sends: no event is being handled and the outgoing
   * queue is empty (or the connection is closed, by us or by the container).
   */
  public boolean isQuiet() {
    // A socket the container has dropped will never complete its pending writes.
    return closed.get() || !session.isOpen() || (handling.get() == 0 && queuedBytes.get() == 0);
  }

  /**
   * {@link #isQuiet() Quiet}, and the peer has sent nothing for {@code peerSilenceNanos}, so that a
   * close now does not cross a frame the peer is still writing. Open Liberty closes the TCP
   * connection as soon as its close frame is written, without waiting for the peer's; a frame that
   * arrives after that is answered with a TCP reset, which can discard the close frame before the
   * peer has read it (the peer sees 1006, not our code). A client that pipelines sends stops within
   * a round trip once no acknowledgement comes, which is what a draining node does. A pong the peer
   * owes (a ping or probe written, not yet answered) is such a frame too: the connection is not
   * quiet until it comes; a peer that never answers is closed when the drain's grace ends.
   */
  public boolean isQuiet(long nowNanos, long peerSilenceNanos) {
    return isQuiet()
        && (closed.get()
            || !session.isOpen()
            || (!pongAwaited && nowNanos - lastSeenNanos >= peerSilenceNanos));
  }

  // ---- chat subscriptions
  // -------------------------------------------------------------------------

  /**
   * Starts a subscription that buffers live events until {@link #goLive} (the replay runs
   * meanwhile).
   */
  public ChatSubscription subscribe(String chatId) {
    ChatSubscription subscription = new ChatSubscription();
    chats.put(chatId, subscription);
    return subscription;
  }

  public boolean unsubscribe(String chatId) {
    return chats.remove(chatId) != null;
  }

  public boolean isSubscribed(String chatId) {
    return chats.containsKey(chatId);
  }

  public Set<String> chatIds() {
    return chats.keySet();
  }

  /** A live chat event for this connection: sent now, or buffered while the chat's replay runs. */
  public void deliver(String chatId, long seq, String frame) {
    ChatSubscription subscription = chats.get(chatId);
    if (subscription != null) {
      subscription.offer(seq, frame);
    }
  }

  /**
   * Ends the replay of a chat: buffered events up to {@code replayedUpTo} were part of the replay
   * (or older than what the client asked for) and are dropped; later ones are sent, then delivery
   * is live.
   */
  public void goLive(ChatSubscription subscription, long replayedUpTo) {
    subscription.goLive(replayedUpTo);
  }

  /**
   * Per-chat state; its lock is held only while enqueueing (never across I/O: the frames are
   * written after it is released, in the order they were queued).
   */
  public final class ChatSubscription {
    private List<Buffered> pending = new ArrayList<>();

    private record Buffered(long seq, String frame) {}

    void offer(long seq, String frame) {
      synchronized (this) {
        if (pending != null) {
          pending.add(new Buffered(seq, frame));
          return;
        }
        if (!enqueue(frame)) {
          return;
        }
      }
      drain(true);
    }

    void goLive(long replayedUpTo) {
      synchronized (this) {
        if (pending == null) {
          return;
        }
        for (Buffered b : pending) {
          if (b.seq() == 0 || b.seq() > replayedUpTo) {
            enqueue(b.frame());
          }
        }
        pending = null;
      }
      drain(true);
    }
  }

  // ---- outgoing frames
  // ----------------------------------------------------------------------------

  /**
   * Queues a text frame and writes what is queued; never waits for a peer that does not read (see
   * {@link #drain(boolean)}). A peer too far behind is closed as a slow consumer.
   */
  public void send(String frame) {
    if (enqueue(frame)) {
      drain(true);
    }
  }

  /** Queues a text frame; false when it was dropped (closed, closing, or a slow consumer). */
  private boolean enqueue(String frame) {
    if (closed.get() || closingAfterWrites.get() != null) {
      return false;
    }
    long bytes = frame.length();
    if (queuedBytes.addAndGet(bytes) > maxQueuedBytes) {
      close(SLOW_CONSUMER, "slow consumer: outgoing buffer full");
      return false;
    }
    outbound.add(frame);
    return true;
  }

  /**
   * Pings an idle peer, or counts a busy one as alive. A ping cannot join a backlog: Jakarta
   * WebSocket has no asynchronous ping, and a blocking one on a peer that does not read would hold
   * the writing thread. So while frames are being written, writes completed since the previous call
   * prove the peer is taking them; a peer whose writes stopped completing gets no credit and is
   * closed by the idle check.
   */
  public void ping(long nowNanos) {
    if (closed.get() || draining) {
      // A draining connection is closed within seconds, and the pong to a ping written now could
      // cross the close frame and reset the socket before the peer reads it.
      return;
    }
    long completed = writesCompleted;
    boolean progressed = completed != writesCompletedAtLastPing;
    writesCompletedAtLastPing = completed;
    if (writing.get() || !outbound.isEmpty()) {
      if (progressed) {
        touch(nowNanos);
      }
      return;
    }
    outbound.add(PING);
    drain();
  }

  private void drain() {
    drain(false);
  }

  /**
   * Writes what is queued, one frame at a time under the writer flag.
   *
   * <p>{@code inline}: the caller is a sender, not a write's completion, and may write on its own
   * thread. Open Liberty queues every asynchronous write to its write selector thread and hands its
   * completion to a pool thread (about 40 % of its bare layer's CPU at 5,000 users,
   * bench/README.md), while a blocking write into a socket with room returns at once. A blocking
   * write must never meet a peer that stopped reading, so it is used only while the bytes written
   * (inline or asynchronously) that the peer has not proven to have read stay under {@code
   * inlineCredit}, far below what the kernel buffers of a connection hold; the proof is the pong to
   * a ping with an id, sent once three quarters of the credit are used. Past the credit, and while
   * a backlog is being written, writes are asynchronous as before.
   */
  private void drain(boolean inline) {
    while (writing.compareAndSet(false, true)) {
      Object next = outbound.poll();
      if (next == null) {
        CloseReason closing = closingAfterWrites.get();
        if (closing != null) {
          // The last queued frame is written: close now, and keep the writer flag so nothing more
          // is.
          close(closing.getCloseCode(), closing.getReasonPhrase());
          return;
        }
        if (probeDue()) {
          // Written asynchronously past the credit (a backlog): before any frame goes inline again,
          // prove the peer has read those too. The socket may be full by now, so the probe leaves
          // this thread as the monitor's ping does, and holds the writer flag until it is written.
          offload(
              blocking.pings(),
              () -> {
                try {
                  sendProbe();
                } catch (IOException | RuntimeException e) {
                  LOG.log(Level.FINE, "probe failed on " + id, e);
                  close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "write failed");
                }
                writing.set(false);
                drain();
              });
          return;
        }
        writing.set(false);
        if (outbound.isEmpty()) {
          return;
        }
        continue;
      }
      if (next == PING) {
        // Whoever drains (the monitor, or a sender that came just after it queued the ping) hands
        // the blocking ping over and keeps the writer flag until it is written: later frames wait
        // behind it, in order, as they would behind a text write.
        offload(
            blocking.pings(),
            () -> {
              sendPing();
              writing.set(false);
              drain();
            });
        return;
      }
      String frame = (String) next;
      long wireBytes = inlineCredit > 0 ? Utf8.length(frame) : 0;
      if (inline && writeInline(frame, wireBytes)) {
        continue;
      }
      inline = false; // a backlog: asynchronous to its end
      // In the socket's buffers too until proven read, like an inline write.
      unconfirmed.addAndGet(wireBytes);
      Write write = new Write(frame.length());
      try {
        session.getAsyncRemote().sendText(frame, write);
      } catch (RuntimeException e) {
        write.onResult(new SendResult(e));
      }
      write.returned = true;
      if (!write.completedInline) {
        return; // the completion handler, on another thread, carries on draining
      }
    }
  }

  /**
   * Writes the frame on this thread if the credit allows; the writer flag is held and released
   * here.
   *
   * @param bytes the frame's UTF-8 length
   * @return false when the frame must go asynchronously (the writer flag is still held)
   */
  private boolean writeInline(String frame, long bytes) {
    if (inlineCredit <= 0 || unconfirmed.get() + bytes > inlineCredit) {
      return false;
    }
    try {
      RemoteEndpoint.Basic basic = basicRemote;
      if (basic == null) {
        basic = session.getBasicRemote();
        basicRemote = basic;
      }
      basic.sendText(frame);
      unconfirmed.addAndGet(bytes);
      writesCompleted++;
      // Probed at three quarters: the pong comes back long before the last quarter is used (a frame
      // of a few hundred bytes at a time), and every pong costs the container an inbound frame.
      // Within the credit, so the socket has room for it too.
      if (probeDue()) {
        sendProbe();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "send failed on " + id, e);
      queuedBytes.addAndGet(-frame.length());
      // Emptied by the close: counted out first, as a failed asynchronous write is.
      close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "write failed");
      writing.set(false);
      return true;
    }
    queuedBytes.addAndGet(-frame.length());
    writing.set(false);
    return true;
  }

  /**
   * Three quarters of the credit are unproven and no probe is out (and the socket is not closed);
   * for the writer flag's holder.
   */
  private boolean probeDue() {
    return inlineCredit > 0
        && probe.get() == null
        && unconfirmed.get() * 4 >= inlineCredit * 3
        && !closed.get();
  }

  /**
   * Pings with an id, covering every byte written so far; called holding the writer flag, with no
   * write in flight.
   */
  private void sendProbe() throws IOException {
    Probe p = new Probe(++probesSent, unconfirmed.get());
    probe.set(p);
    pongAwaited = true; // before the write: the pong may come back before it returns
    // Through the asynchronous remote, which Open Liberty also writes on the calling thread: its
    // blocking ping waits, with no timeout, for the link to become writable, and a link whose peer
    // is closing it never does (bench/README: the stall of one CI run), while this one refuses such
    // a link at once (IllegalStateException), as a text write does.
    session.getAsyncRemote().sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, p.id()));
  }

  /**
   * A pong from the peer: it has read everything written before the ping it answers, so the bytes
   * that ping covered no longer count against the inline credit.
   */
  public void pong(ByteBuffer payload) {
    pongAwaited = false;
    Probe p = probe.get();
    if (p == null
        || payload.remaining() != Long.BYTES
        || payload.getLong(payload.position()) != p.id()) {
      return;
    }
    if (probe.compareAndSet(p, null)) {
      unconfirmed.addAndGet(-p.bytes());
    }
  }

  private void sendPing() {
    pongAwaited = true; // before the write: the pong may come back before it returns
    try {
      session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "ping failed on " + id, e);
    }
  }

  /**
   * Completion of one write. When the container completes it on the calling thread, the drain loop
   * continues there instead of recursing (a long queue would otherwise grow the stack).
   */
  private final class Write implements SendHandler {
    private final Thread caller = Thread.currentThread();
    private final long bytes;
    volatile boolean returned;
    boolean completedInline;

    Write(long bytes) {
      this.bytes = bytes;
    }

    @Override
    public void onResult(SendResult result) {
      queuedBytes.addAndGet(-bytes);
      if (result.isOK()) {
        writesCompleted++;
      } else {
        LOG.log(Level.FINE, "send failed on " + id, result.getException());
        // Close the session too: once closed is set, a later close() (idle timeout) is a no-op.
        close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "write failed");
      }
      writing.set(false);
      if (Thread.currentThread() == caller && !returned) {
        completedInline = true;
      } else {
        drain();
      }
    }
  }

  /**
   * Closes the socket once what is queued has been written: no frame is queued from now on, and the
   * close frame follows the last queued one instead of cutting a write in flight (which some
   * containers turn into an abrupt close, 1006 for the peer). Bounded by the caller, who falls back
   * to {@link #close} for a peer that does not read ({@link #isClosed()} stays false).
   */
  public void closeAfterWrites(CloseReason.CloseCode code, String reason) {
    if (closed.get() || !closingAfterWrites.compareAndSet(null, new CloseReason(code, reason))) {
      return;
    }
    drain();
  }

  /** Outgoing text counted as queued (UTF-16 characters); for tests. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /** True once this side has closed the socket (not merely asked for a close after the writes). */
  public boolean isClosed() {
    return closed.get();
  }

  /** True once the container has returned from the close this side asked for. */
  public boolean closeWritten() {
    return closeWritten;
  }

  /**
   * Closes the socket without waiting for the close frame's write; safe to call more than once and
   * from any thread. {@link #isClosed()} is true from the moment it returns.
   */
  public void close(CloseReason.CloseCode code, String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    outbound.clear();
    queuedBytes.set(0);
    CloseReason closing = new CloseReason(code, reason);
    offload(
        blocking.closes(),
        () -> {
          try {
            session.close(closing);
          } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "close failed on " + id, e);
          } finally {
            closeWritten = true;
          }
        });
  }

  private static void offload(Executor executor, Runnable write) {
    try {
      executor.execute(write);
    } catch (RejectedExecutionException e) {
      // The application is stopping and its executor takes no more work: the socket still goes.
      write.run();
    }
  }
}
