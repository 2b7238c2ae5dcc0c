package dev.messenger.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.connection.Connection.ChatSubscription;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConnectionTest {

  private static final long PLENTY = Long.MAX_VALUE / 2;

  /**
   * A socket whose writes stay pending until the test completes them, or complete inline inside
   * {@code sendText} the way some containers do.
   */
  static final class FakeSocket {
    final List<String> written = Collections.synchronizedList(new ArrayList<>());
    final Deque<SendHandler> pending = new ArrayDeque<>();
    final List<CloseReason> closes = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger pings = new AtomicInteger();

    /** Frames and probes written through the blocking remote, in order ("ping:<id>" for probes). */
    final List<String> writtenInline = Collections.synchronizedList(new ArrayList<>());

    volatile IOException inlineThrows;

    /** What the probe ping throws, if anything. */
    volatile RuntimeException probeThrows;

    /** A lock the writing thread must not hold while it writes inline. */
    volatile Object mustNotHold;

    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile boolean open = true;
    volatile boolean completeInline;
    volatile RuntimeException sendTextThrows;
    volatile ExecutorService completer;
    volatile CountDownLatch writes = new CountDownLatch(0);

    final Session session = proxy(Session.class, this::session);
    private final RemoteEndpoint.Async remote = proxy(RemoteEndpoint.Async.class, this::remote);
    private final RemoteEndpoint.Basic basic = proxy(RemoteEndpoint.Basic.class, this::basic);

    private Object session(String method, Object[] args) throws IOException {
      return switch (method) {
        case "getId" -> "socket-1";
        case "isOpen" -> open;
        case "getAsyncRemote" -> remote;
        case "getBasicRemote" -> basic;
        case "close" -> {
          closes.add((CloseReason) args[0]);
          open = false;
          yield null;
        }
        default -> throw new UnsupportedOperationException(method);
      };
    }

    private Object remote(String method, Object[] args) {
      switch (method) {
        case "sendText" -> {
          if (args.length != 2) {
            throw new UnsupportedOperationException("sendText(String) returns a Future");
          }
          if (sendTextThrows != null) {
            throw sendTextThrows;
          }
          // Connection must never start a write while one is pending.
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          written.add((String) args[0]);
          writes.countDown();
          SendHandler handler = (SendHandler) args[1];
          if (completeInline) {
            inFlight.decrementAndGet();
            handler.onResult(new SendResult());
          } else if (completer != null) {
            completer.execute(
                () -> {
                  inFlight.decrementAndGet();
                  handler.onResult(new SendResult());
                });
          } else {
            synchronized (pending) {
              pending.add(handler);
            }
          }
        }
        case "sendPing" -> {
          ByteBuffer payload = (ByteBuffer) args[0];
          if (payload.remaining() == Long.BYTES) {
            // The inline credit's probe, written on the caller's thread as Open Liberty does.
            refuseBesidePendingWrite();
            if (probeThrows != null) {
              throw probeThrows;
            }
            writtenInline.add("ping:" + payload.getLong(0));
          } else {
            pings.incrementAndGet();
          }
        }
        default -> throw new UnsupportedOperationException(method);
      }
      return null;
    }

    private void refuseBesidePendingWrite() {
      // Never while an asynchronous write is pending: the container refuses overlapping writes.
      if (inFlight.get() != 0) {
        throw new IllegalStateException("a blocking write while an asynchronous one is pending");
      }
      if (mustNotHold != null && Thread.holdsLock(mustNotHold)) {
        throw new IllegalStateException("an inline write under a subscription's lock");
      }
    }

    private Object basic(String method, Object[] args) throws IOException {
      refuseBesidePendingWrite();
      if (inlineThrows != null) {
        throw inlineThrows;
      }
      switch (method) {
        case "sendText" -> {
          written.add((String) args[0]);
          writtenInline.add((String) args[0]);
        }
        // Open Liberty's blocking ping waits for good on a link its peer is closing (25.0.0.11,
        // WsocConnLink.okToWrite with no timeout): a thread that must not hang never calls it.
        case "sendPing" ->
            throw new UnsupportedOperationException("the blocking ping can hang on a closing link");
        default -> throw new UnsupportedOperationException(method);
      }
      return null;
    }

    int pendingWrites() {
      synchronized (pending) {
        return pending.size();
      }
    }

    /** Completes the oldest pending write, from the test's thread, after sendText returned. */
    void completeNext(SendResult result) {
      SendHandler handler;
      synchronized (pending) {
        handler = pending.remove();
      }
      inFlight.decrementAndGet();
      handler.onResult(result);
    }

    void completeNext() {
      completeNext(new SendResult());
    }

    void completeAll() {
      while (pendingWrites() > 0) {
        completeNext();
      }
    }
  }

  interface Call {
    Object handle(String method, Object[] args) throws Exception;
  }

  private static <T> T proxy(Class<T> type, Call call) {
    InvocationHandler handler =
        (self, method, args) ->
            switch (method.getName()) {
              case "equals" -> self == args[0];
              case "hashCode" -> System.identityHashCode(self);
              case "toString" -> "fake " + type.getSimpleName();
              default -> call.handle(method.getName(), args == null ? new Object[0] : args);
            };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private final FakeSocket socket = new FakeSocket();

  private Connection connection(long maxQueuedBytes) {
    return new Connection("alice", socket.session, maxQueuedBytes, 0);
  }

  // ---- writing frames

  @Test
  void takesItsIdFromTheSession() {
    Connection connection = connection(PLENTY);

    assertEquals("socket-1", connection.id());
    assertEquals("alice", connection.userId());
  }

  @Test
  void writesOneFrameAtATimeInOrder() {
    Connection connection = connection(PLENTY);

    connection.send("a");
    connection.send("b");
    connection.send("c");

    assertEquals(List.of("a"), socket.written, "b and c wait for a's write to complete");
    socket.completeNext();
    assertEquals(List.of("a", "b"), socket.written);
    socket.completeNext();
    assertEquals(List.of("a", "b", "c"), socket.written);
    socket.completeNext();
    assertEquals(0, socket.pendingWrites());
    assertEquals(1, socket.maxInFlight.get());
  }

  @Test
  void aSendAfterTheQueueEmptiedIsWrittenAtOnce() {
    Connection connection = connection(PLENTY);
    connection.send("a");
    socket.completeNext();

    connection.send("b");

    assertEquals(List.of("a", "b"), socket.written);
  }

  @Test
  void inlineCompletionDrainsALongQueueWithoutGrowingTheStack() {
    Connection connection = connection(PLENTY);
    connection.send("first");
    for (int i = 0; i < 10_000; i++) {
      connection.send("frame " + i);
    }
    assertEquals(1, socket.written.size());

    // From here every write completes inside sendText: recursion would overflow the stack.
    socket.completeInline = true;
    socket.completeNext();

    assertEquals(10_001, socket.written.size());
    assertEquals("frame 9999", socket.written.get(10_000));
    assertTrue(connection.isOpen());
  }

  @Test
  void inlineCompletionFromTheStartWritesEverySend() {
    socket.completeInline = true;
    Connection connection = connection(PLENTY);

    IntStream.range(0, 1000).forEach(i -> connection.send("frame " + i));

    assertEquals(1000, socket.written.size());
    assertEquals(1, socket.maxInFlight.get());
  }

  @Test
  void concurrentSendersCompletedOnAnotherThreadGetEveryFrameWrittenOnce() throws Exception {
    ExecutorService completer = Executors.newSingleThreadExecutor();
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      socket.completer = completer;
      socket.writes = new CountDownLatch(2000);
      Connection connection = connection(PLENTY);
      CountDownLatch sent = new CountDownLatch(4);
      for (int t = 0; t < 4; t++) {
        String sender = "s" + t;
        senders.execute(
            () -> {
              for (int i = 0; i < 500; i++) {
                connection.send(sender + ":" + i);
              }
              sent.countDown();
            });
      }
      assertTrue(sent.await(10, TimeUnit.SECONDS));
      assertTrue(socket.writes.await(10, TimeUnit.SECONDS));
      // The last completion is queued behind this no-op; after it no write is pending.
      completer.submit(() -> {}).get(10, TimeUnit.SECONDS);

      assertEquals(2000, socket.written.size());
      assertEquals(1, socket.maxInFlight.get(), "never two writes at once");
      for (int t = 0; t < 4; t++) {
        String prefix = "s" + t + ":";
        List<String> own = socket.written.stream().filter(f -> f.startsWith(prefix)).toList();
        assertEquals(
            IntStream.range(0, 500).mapToObj(i -> prefix + i).toList(),
            own,
            "each sender's frames keep their order");
      }
    } finally {
      senders.shutdownNow();
      completer.shutdownNow();
    }
  }

  // ---- inline writes within the credit

  private Connection inline(long credit) {
    return new Connection(
        "alice", socket.session, PLENTY, credit, 0, Connection.BlockingWrites.on(offloaded::add));
  }

  private static ByteBuffer probe(long id) {
    return ByteBuffer.allocate(Long.BYTES).putLong(0, id);
  }

  @Test
  void withinTheCreditAFrameIsWrittenOnTheSendersThread() {
    Connection connection = inline(100);

    connection.send("abc");

    assertEquals(List.of("abc"), socket.writtenInline);
    assertEquals(0, socket.pendingWrites(), "no asynchronous write");
    assertTrue(connection.isQuiet(), "nothing left queued");
  }

  @Test
  void threeQuartersOfTheCreditUsedSendAProbeAndPastTheCreditFramesGoAsynchronously() {
    Connection connection = inline(10);

    connection.send("1234567"); // 7 of 10: no probe yet
    assertEquals(List.of("1234567"), socket.writtenInline);
    connection.send("8"); // 8 of 10: a probe covering them
    connection.send("abc"); // would make 11

    assertEquals(List.of("1234567", "8", "ping:1"), socket.writtenInline);
    assertEquals(List.of("1234567", "8", "abc"), socket.written);
    assertEquals(1, socket.pendingWrites(), "the frame past the credit went asynchronously");
    connection.send("f");
    assertEquals(1, socket.pendingWrites(), "behind the pending write, not beside it");
    socket.completeAll();
    assertEquals(List.of("1234567", "8", "abc", "f"), socket.written, "in order");
    assertEquals(
        List.of("1234567", "8", "ping:1"), socket.writtenInline, "a backlog ends asynchronously");
  }

  @Test
  void thePongToTheProbeGivesTheCreditBack() {
    Connection connection = inline(10);
    connection.send("12345678");
    connection.send("abc"); // asynchronously, after the probe: still unproven after its pong
    socket.completeAll();

    connection.pong(probe(1));
    connection.send("1234567"); // 3 + 7 of 10

    assertEquals(List.of("12345678", "ping:1", "1234567", "ping:2"), socket.writtenInline);
  }

  @Test
  void framesWrittenAsynchronouslyCountUntilAProbeAfterThemIsAnswered() {
    Connection connection = inline(10);
    connection.send("12345678"); // inline, then probe 1
    connection.send("abcdefghijkl"); // past the credit: asynchronously
    socket.completeAll();
    connection.pong(probe(1)); // proves the first 8 bytes, not the 12 after its ping

    connection.send("x");
    assertEquals(1, socket.pendingWrites(), "13 bytes unproven: still asynchronous");
    assertTrue(offloaded.isEmpty());
    socket.completeNext();

    // Nothing left to write and no probe out: one covering them, off the completing thread (the
    // socket may be full), holding the writer flag.
    assertEquals(List.of("12345678", "ping:1"), socket.writtenInline);
    connection.send("y");
    assertEquals(0, socket.pendingWrites(), "queued behind the probe");
    offloaded.remove().run();
    assertEquals(List.of("12345678", "ping:1", "ping:2"), socket.writtenInline);
    assertEquals(1, socket.pendingWrites(), "then written, asynchronously: 14 unproven");
    socket.completeAll();
    connection.pong(probe(2));
    connection.send("z");
    assertEquals(List.of("12345678", "ping:1", "ping:2", "z"), socket.writtenInline);
  }

  @Test
  void aPongThatAnswersNoProbeGivesNothingBack() {
    Connection connection = inline(10);
    connection.send("12345678");

    connection.pong(probe(7)); // not the probe's id
    connection.pong(ByteBuffer.allocate(0)); // the monitor's ping
    connection.send("abc");

    assertEquals(1, socket.pendingWrites(), "still past the credit: asynchronous");
  }

  @Test
  void theCreditCountsUtf8Bytes() {
    Connection connection = inline(10);

    connection.send("\u20ac\u20ac\u20ac\u20ac"); // 4 chars, 12 bytes

    assertEquals(List.of(), socket.writtenInline);
    assertEquals(1, socket.pendingWrites());
    assertEquals(2, Utf8.length("\u00e9"));
    assertEquals(4, Utf8.length("\ud83d\ude00"), "a surrogate pair is 4 bytes");
    assertEquals(3, Utf8.length("a\u00e9"));
  }

  @Test
  void aFailedInlineWriteClosesTheConnection() {
    Connection connection = inline(100);
    socket.inlineThrows = new IOException("reset by peer");

    connection.send("abc");

    assertTrue(connection.isClosed());
    offloaded.remove().run();
    assertEquals(1011, socket.closes.get(0).getCloseCode().getCode());
    assertTrue(connection.isQuiet());
    assertEquals(0, connection.queuedBytes(), "nothing counted as queued after the close");
  }

  @Test
  void aClosedConnectionSendsNoProbe() {
    Connection connection = inline(10);
    connection.send("12345678"); // inline, then probe 1
    connection.send("abcdefghijkl"); // past the credit: asynchronously, still pending
    connection.pong(probe(1)); // 12 bytes unproven, no probe out

    connection.close(CloseReason.CloseCodes.GOING_AWAY, "bye");
    socket.completeNext(); // the pending write completes after the close

    assertEquals(1, offloaded.size(), "only the close, no probe");
    offloaded.remove().run();
    assertEquals(List.of("12345678", "ping:1"), socket.writtenInline);
  }

  @Test
  void probesAndPingsNeverQueueBehindCloses() {
    Deque<Runnable> pings = new ArrayDeque<>();
    Deque<Runnable> closes = new ArrayDeque<>();
    Connection.BlockingWrites apart = new Connection.BlockingWrites(pings::add, closes::add);
    Connection vanishing = new Connection("bob", new FakeSocket().session, PLENTY, 10, 0, apart);
    FakeSocket idleSocket = new FakeSocket();
    Connection idle = new Connection("carol", idleSocket.session, PLENTY, 10, 0, apart);
    Connection probing = new Connection("alice", socket.session, PLENTY, 10, 0, apart);

    vanishing.close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "write failed");
    idle.ping(1);
    probing.send("12345678"); // inline, then probe 1
    probing.send("abcdefghijkl"); // past the credit: asynchronously
    socket.completeAll();
    probing.pong(probe(1));
    probing.send("x");
    socket.completeNext(); // a backlog written: probe 2 is handed over
    probing.send("y"); // waits behind it

    assertEquals(1, closes.size(), "the close, alone on its executor");
    assertEquals(2, pings.size(), "the monitor's ping and the credit's probe");
    pings.remove().run();
    pings.remove().run();
    assertEquals(1, idleSocket.pings.get());
    assertEquals(List.of("12345678", "ping:1", "ping:2"), socket.writtenInline);
    assertEquals(
        List.of("12345678", "abcdefghijkl", "x", "y"),
        socket.written,
        "the frames behind the probe went on while the close has not run");
  }

  @Test
  void aProbeRefusedByALinkItsPeerIsClosingClosesTheConnectionWithoutWaiting() {
    Connection connection = inline(10);
    // What Open Liberty's ping throws once the peer's close frame has been read.
    socket.probeThrows =
        new IllegalStateException("write not allowed. Most likely cause is that another Write");

    connection.send("12345678");

    assertEquals(List.of("12345678"), socket.writtenInline);
    assertTrue(connection.isClosed());
    offloaded.remove().run();
    assertEquals(1011, socket.closes.get(0).getCloseCode().getCode());
    assertEquals(0, connection.queuedBytes());
    connection.send("after");
    assertEquals(List.of("12345678"), socket.writtenInline, "nothing more written");
  }

  @Test
  void liveAndBufferedEventsAreWrittenInlineOutsideTheSubscriptionsLock() {
    Connection connection = inline(100);
    ChatSubscription subscription = connection.subscribe("c");
    socket.mustNotHold = subscription;
    connection.deliver("c", 1, "buffered during the replay");

    connection.goLive(subscription, 0);
    connection.deliver("c", 2, "live");

    assertEquals(List.of("buffered during the replay", "live"), socket.writtenInline);
    assertFalse(connection.isClosed());
  }

  @Test
  void noCreditWritesEverythingAsynchronously() {
    Connection connection = inline(0);

    connection.send("abc");

    assertEquals(List.of(), socket.writtenInline);
    assertEquals(1, socket.pendingWrites());
  }

  // ---- blocking writes leave the caller's thread

  /** Holds the tasks handed to the connection's executor until the test runs them. */
  private final Deque<Runnable> offloaded = new ArrayDeque<>();

  private Connection offloading() {
    return new Connection("alice", socket.session, PLENTY, 0, offloaded::add);
  }

  @Test
  void theCloseFrameIsWrittenOnTheExecutorNotByTheCaller() {
    Connection connection = offloading();

    connection.close(CloseReason.CloseCodes.GOING_AWAY, "idle timeout");

    assertTrue(connection.isClosed(), "closed for every caller from the moment close returns");
    assertFalse(connection.closeWritten());
    assertEquals(List.of(), socket.closes, "the caller (the monitor, a sender) did not write");
    connection.send("dropped");
    assertEquals(List.of(), socket.written);

    offloaded.remove().run();
    assertEquals(1, socket.closes.size());
    assertEquals(1001, socket.closes.get(0).getCloseCode().getCode());
    assertTrue(connection.closeWritten());
    assertTrue(offloaded.isEmpty(), "one close frame, however often close is called");
  }

  @Test
  void aSlowConsumerIsClosedWithoutTheSenderWriting() {
    Connection connection = new Connection("alice", socket.session, 10, 0, offloaded::add);
    connection.send("1234567890");

    connection.send("x");

    assertFalse(connection.isOpen());
    assertEquals(List.of(), socket.closes, "the sender's thread did not block on the close");
    offloaded.remove().run();
    assertEquals(1013, socket.closes.get(0).getCloseCode().getCode());
  }

  @Test
  void thePingIsWrittenOnTheExecutor() {
    Connection connection = offloading();

    connection.ping(1);

    assertEquals(0, socket.pings.get());
    offloaded.remove().run();
    assertEquals(1, socket.pings.get());
  }

  @Test
  void aSendRightAfterThePingWasQueuedNeitherWritesThePingNorOvertakesIt() {
    Connection connection = offloading();
    connection.ping(1);

    connection.send("a");

    assertEquals(0, socket.pings.get(), "the sender's thread did not write the ping");
    assertEquals(List.of(), socket.written, "the frame waits behind the ping");
    offloaded.remove().run();
    assertEquals(1, socket.pings.get());
    assertEquals(List.of("a"), socket.written);
  }

  @Test
  void anExecutorThatRefusesWorkStillGetsTheSocketClosed() {
    Connection connection =
        new Connection(
            "alice",
            socket.session,
            PLENTY,
            0,
            task -> {
              throw new RejectedExecutionException("application stopping");
            });

    connection.close(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");

    assertEquals(1, socket.closes.size());
    assertTrue(connection.closeWritten());
  }

  // ---- bounded queue

  @Test
  void aPeerTooFarBehindIsClosedAsASlowConsumer() {
    Connection connection = connection(10);
    connection.send("12345"); // in flight: still counts until written
    connection.send("67890"); // exactly at the limit

    assertTrue(connection.isOpen());
    connection.send("x");

    assertFalse(connection.isOpen());
    assertEquals(1, socket.closes.size());
    CloseReason reason = socket.closes.get(0);
    assertEquals(1013, reason.getCloseCode().getCode());
    assertTrue(reason.getReasonPhrase().contains("slow consumer"), reason.getReasonPhrase());
  }

  @Test
  void afterASlowConsumerCloseQueuedAndLaterFramesAreDropped() {
    Connection connection = connection(10);
    connection.send("12345");
    connection.send("67890");
    connection.send("x");

    connection.send("later");
    socket.completeAll();

    assertEquals(List.of("12345"), socket.written);
    assertEquals(1, socket.closes.size());
  }

  @Test
  void writtenFramesFreeTheirShareOfTheBuffer() {
    Connection connection = connection(10);

    for (int i = 0; i < 100; i++) {
      connection.send("123456");
      socket.completeNext();
    }

    assertTrue(connection.isOpen());
    assertEquals(100, socket.written.size());
  }

  // ---- failures and closing

  @Test
  void aFailedWriteClosesTheConnectionAndDropsTheQueue() {
    Connection connection = connection(PLENTY);
    connection.send("a");
    connection.send("b");

    socket.completeNext(new SendResult(new IOException("broken pipe")));
    connection.send("c");

    assertFalse(connection.isOpen());
    assertEquals(List.of("a"), socket.written);
  }

  @Test
  void aFailedWriteDoesNotLeaveTheSessionOpen() {
    Connection connection = connection(PLENTY);
    connection.send("a");
    socket.completeNext(new SendResult(new IOException("write timed out")));

    // What the idle monitor does with a connection that stopped answering.
    connection.close(CloseReason.CloseCodes.GOING_AWAY, "idle timeout");

    assertEquals(1, socket.closes.size(), "the socket must not stay open, holding a slot");
    assertFalse(socket.open);
  }

  @Test
  void aFailedWriteClosesTheSessionAsAnUnexpectedCondition() {
    Connection connection = connection(PLENTY);
    connection.send("a");

    socket.completeNext(new SendResult(new IOException("write timed out")));

    assertEquals(
        List.of(CloseReason.CloseCodes.UNEXPECTED_CONDITION),
        socket.closes.stream().map(CloseReason::getCloseCode).toList());
  }

  @Test
  void aSendTextThatThrowsCountsAsAFailedWrite() {
    Connection connection = connection(PLENTY);
    socket.sendTextThrows = new IllegalStateException("session closed");

    connection.send("a");
    socket.sendTextThrows = null;
    connection.send("b");

    assertFalse(connection.isOpen());
    assertTrue(socket.written.isEmpty());
  }

  @Test
  void closeIsIdempotent() {
    Connection connection = connection(PLENTY);

    connection.close(CloseReason.CloseCodes.GOING_AWAY, "idle timeout");
    connection.close(CloseReason.CloseCodes.NORMAL_CLOSURE, "again");
    connection.send("a");

    assertEquals(1, socket.closes.size());
    assertEquals(CloseReason.CloseCodes.GOING_AWAY, socket.closes.get(0).getCloseCode());
    assertFalse(connection.isOpen());
    assertTrue(socket.written.isEmpty());
  }

  @Test
  void closeAfterWritesWaitsForTheWriteInFlightAndWritesWhatIsQueued() {
    Connection connection = connection(PLENTY);
    connection.send("a");
    connection.send("b");

    connection.closeAfterWrites(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
    connection.send("late");

    assertTrue(socket.closes.isEmpty(), "a's write is still in flight");
    assertFalse(connection.isClosed());
    socket.completeNext();
    assertTrue(socket.closes.isEmpty(), "b was queued before the close and is written first");
    socket.completeNext();
    assertEquals(List.of("a", "b"), socket.written, "nothing queued after the close request");
    assertEquals(1, socket.closes.size());
    assertEquals(CloseReason.CloseCodes.GOING_AWAY, socket.closes.get(0).getCloseCode());
    assertEquals("server shutting down", socket.closes.get(0).getReasonPhrase());
    assertTrue(connection.isClosed());
  }

  @Test
  void closeAfterWritesClosesAtOnceWhenNothingIsInFlight() {
    Connection connection = connection(PLENTY);

    connection.closeAfterWrites(CloseReason.CloseCodes.GOING_AWAY, "bye");

    assertEquals(1, socket.closes.size());
    assertTrue(connection.isClosed());
  }

  @Test
  void closeAfterWritesWithInlineCompletionsClosesAfterTheLastFrame() {
    Connection connection = connection(PLENTY);
    socket.completeInline = true;

    connection.send("a");
    connection.closeAfterWrites(CloseReason.CloseCodes.GOING_AWAY, "bye");

    assertEquals(List.of("a"), socket.written);
    assertEquals(1, socket.closes.size());
  }

  @Test
  void aPeerThatNeverCompletesItsWriteIsStillClosedByAPlainClose() {
    Connection connection = connection(PLENTY);
    connection.send("a");
    connection.closeAfterWrites(CloseReason.CloseCodes.GOING_AWAY, "bye");

    connection.close(CloseReason.CloseCodes.GOING_AWAY, "bye");
    socket.completeNext();

    assertEquals(1, socket.closes.size(), "closed once, not again when the write completes");
    assertTrue(connection.isClosed());
  }

  @Test
  void aSessionClosedByThePeerIsNotOpen() {
    Connection connection = connection(PLENTY);

    socket.open = false;

    assertFalse(connection.isOpen());
  }

  // ---- pings

  @Test
  void pingsAnIdleConnection() {
    Connection connection = connection(PLENTY);

    connection.ping(1);

    assertEquals(1, socket.pings.get());
  }

  @Test
  void skipsThePingWhileAWriteIsInProgress() {
    Connection connection = connection(PLENTY);
    connection.send("a");

    connection.ping(1);
    assertEquals(0, socket.pings.get(), "the peer is not idle from our side");

    socket.completeNext();
    connection.ping(1);
    assertEquals(1, socket.pings.get());
    assertEquals(List.of("a"), socket.written);
  }

  @Test
  void aPeerTakingABacklogCountsAsAliveWithoutAPing() {
    Connection connection = connection(PLENTY);
    connection.send("a");
    connection.send("b");

    connection.ping(100);
    assertEquals(0, connection.lastSeenNanos(), "no write has completed yet: no proof");

    socket.completeNext(); // "a" done, "b" now in flight
    connection.ping(200);

    assertEquals(0, socket.pings.get(), "a ping never joins a backlog");
    assertEquals(200, connection.lastSeenNanos(), "the peer took a frame since the last ping");
  }

  @Test
  void aPeerWhoseWritesStoppedCompletingGetsNoCredit() {
    Connection connection = connection(PLENTY);
    connection.send("a");
    connection.send("b");
    socket.completeNext();
    connection.ping(200);

    connection.ping(300); // "b" still in flight: nothing taken since the last ping

    assertEquals(200, connection.lastSeenNanos());
    assertEquals(0, socket.pings.get());
  }

  @Test
  void writesCompletedWhileIdleGiveNoCreditOnceABacklogStalls() {
    Connection connection = connection(PLENTY);
    connection.send("a");
    socket.completeNext();
    connection.ping(100); // idle: a real ping goes out, and the completed write is accounted for
    assertEquals(1, socket.pings.get());

    connection.send("b"); // never completes
    connection.ping(200);

    assertEquals(0, connection.lastSeenNanos(), "\"a\" completed before the previous ping");
  }

  @Test
  void doesNotPingAClosedConnection() {
    Connection connection = connection(PLENTY);
    connection.close(CloseReason.CloseCodes.GOING_AWAY, "bye");

    connection.ping(1);

    assertEquals(0, socket.pings.get());
  }

  @Test
  void touchRecordsWhenThePeerWasLastSeen() {
    Connection connection = connection(PLENTY);

    connection.touch(42);

    assertEquals(42, connection.lastSeenNanos());
  }

  // ---- chat subscriptions and replay buffering

  @Test
  void buffersChatEventsUntilTheReplayEnds() {
    Connection connection = connection(PLENTY);
    socket.completeInline = true;
    connection.subscribe("chat-1");

    connection.deliver("chat-1", 7, "m7");

    assertTrue(socket.written.isEmpty(), "the replay is still running");
    assertTrue(connection.isSubscribed("chat-1"));
  }

  @Test
  void goingLiveDropsWhatTheReplayCoveredAndSendsTheRestInOrder() {
    Connection connection = connection(PLENTY);
    socket.completeInline = true;
    ChatSubscription subscription = connection.subscribe("chat-1");
    connection.deliver("chat-1", 4, "m4");
    connection.deliver("chat-1", 0, "typing"); // ephemeral: never part of a replay
    connection.deliver("chat-1", 5, "m5");
    connection.deliver("chat-1", 6, "m6");
    connection.deliver("chat-1", 7, "m7");

    connection.goLive(subscription, 5);

    assertEquals(List.of("typing", "m6", "m7"), socket.written);
  }

  @Test
  void afterGoingLiveEventsAreSentImmediately() {
    Connection connection = connection(PLENTY);
    socket.completeInline = true;
    ChatSubscription subscription = connection.subscribe("chat-1");
    connection.goLive(subscription, 3);

    connection.deliver("chat-1", 2, "late duplicate is not filtered once live");
    connection.deliver("chat-1", 4, "m4");

    assertEquals(List.of("late duplicate is not filtered once live", "m4"), socket.written);
  }

  @Test
  void goingLiveTwiceSendsNothingTwice() {
    Connection connection = connection(PLENTY);
    socket.completeInline = true;
    ChatSubscription subscription = connection.subscribe("chat-1");
    connection.deliver("chat-1", 4, "m4");

    connection.goLive(subscription, 0);
    connection.goLive(subscription, 0);

    assertEquals(List.of("m4"), socket.written);
  }

  @Test
  void replayBufferingIsPerChat() {
    Connection connection = connection(PLENTY);
    socket.completeInline = true;
    ChatSubscription first = connection.subscribe("chat-1");
    connection.goLive(first, 0);
    connection.subscribe("chat-2");

    connection.deliver("chat-2", 1, "two");
    connection.deliver("chat-1", 1, "one");

    assertEquals(List.of("one"), socket.written);
  }

  @Test
  void deliveriesToAChatNotSubscribedAreNotWritten() {
    Connection connection = connection(PLENTY);
    socket.completeInline = true;
    ChatSubscription subscription = connection.subscribe("chat-1");
    connection.goLive(subscription, 0);

    connection.deliver("chat-2", 1, "elsewhere");
    assertTrue(connection.unsubscribe("chat-1"));
    connection.deliver("chat-1", 2, "after leaving");

    assertTrue(socket.written.isEmpty());
    assertFalse(connection.isSubscribed("chat-1"));
    assertFalse(connection.unsubscribe("chat-1"), "already gone");
  }

  // ---- token expiry

  @Test
  void aConnectionNeverExpiresUntilGivenAnExpiry() {
    Connection connection = connection(PLENTY);
    assertFalse(connection.tokenExpired(Long.MAX_VALUE - 1));
    connection.tokenExpiresAt(1_000);
    assertFalse(connection.tokenExpired(999));
    assertTrue(connection.tokenExpired(1_000));
  }

  @Test
  void aRefreshBeforeExpiryMovesTheExpiry() {
    Connection connection = connection(PLENTY);
    connection.tokenExpiresAt(1_000);
    assertTrue(connection.refreshToken(5_000, 999));
    assertEquals(5_000, connection.tokenExpiresAt());
    assertFalse(connection.tokenExpired(4_999));
  }

  @Test
  void aRefreshAfterExpiryIsTooLateAndChangesNothing() {
    Connection connection = connection(PLENTY);
    connection.tokenExpiresAt(1_000);
    assertFalse(connection.refreshToken(5_000, 1_000));
    assertEquals(1_000, connection.tokenExpiresAt());
    assertTrue(connection.tokenExpired(1_000));
  }

  // ---- draining

  @Test
  void afterStopAcceptingNoEventBeginsButRunningOnesFinish() {
    Connection connection = connection(PLENTY);
    assertTrue(connection.beginEvent());
    assertFalse(connection.isQuiet(), "an event is being handled");

    connection.stopAccepting();
    assertFalse(connection.beginEvent());
    assertFalse(connection.isQuiet(), "the running event still counts");

    connection.send("ack");
    connection.endEvent();
    assertFalse(connection.isQuiet(), "its reply is not written yet");
    socket.completeAll();
    assertTrue(connection.isQuiet());
  }

  @Test
  void aPingNotYetAnsweredKeepsTheConnectionFromCountingAsQuiet() {
    Connection connection = connection(PLENTY);
    long silence = 200;
    assertTrue(connection.isQuiet(1_000, silence), "nothing written, the peer silent");

    connection.ping(1_000);
    assertEquals(1, socket.pings.get());
    assertFalse(connection.isQuiet(5_000, silence), "its pong would cross the close frame");

    connection.touch(5_001);
    connection.pong(ByteBuffer.allocate(0));
    assertFalse(connection.isQuiet(5_100, silence), "the pong came: the peer silent only 99");
    assertTrue(connection.isQuiet(5_201, silence));
  }

  @Test
  void aDrainingConnectionIsNotPinged() {
    Connection connection = connection(PLENTY);
    connection.stopAccepting();
    connection.ping(1_000);
    assertEquals(0, socket.pings.get());
    assertTrue(connection.isQuiet(1_000, 200));
  }

  @Test
  void aClosedConnectionIsQuietWhateverItHadQueued() {
    Connection connection = connection(PLENTY);
    connection.send("one");
    connection.send("two");
    assertFalse(connection.isQuiet());
    connection.close(CloseReason.CloseCodes.GOING_AWAY, "bye");
    assertTrue(connection.isQuiet());
  }
}
