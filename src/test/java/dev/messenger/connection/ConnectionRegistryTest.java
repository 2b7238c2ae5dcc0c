package dev.messenger.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.connection.ConnectionTest.FakeSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shutdown wait, on a controllable clock. */
class ConnectionRegistryTest {
  // The connections below last heard from their peers at 0, long before the drain.
  private final AtomicLong nanos = new AtomicLong(Duration.ofSeconds(10).toNanos());
  private final AtomicInteger pauses = new AtomicInteger();

  @Test
  void quietConnectionsAreNotWaitedFor() {
    Connection quiet = new Connection("alice", new FakeSocket().session, 1_000, 0);
    assertTrue(awaitQuiet(List.of(quiet), Duration.ofSeconds(2), () -> {}));
    assertEquals(0, pauses.get());
  }

  @Test
  void waitsUntilThePendingReplyIsWritten() {
    FakeSocket socket = new FakeSocket();
    Connection busy = new Connection("alice", socket.session, 1_000, 0);
    busy.send("message_sent");
    assertTrue(
        awaitQuiet(
            List.of(busy),
            Duration.ofSeconds(2),
            () -> {
              if (pauses.get() == 3) {
                socket.completeAll();
              }
            }));
    assertEquals(3, pauses.get());
  }

  @Test
  void givesUpAfterTheGracePeriod() {
    FakeSocket socket = new FakeSocket();
    Connection stuck = new Connection("alice", socket.session, 1_000, 0);
    stuck.send("never written");
    assertFalse(awaitQuiet(List.of(stuck), Duration.ofMillis(100), () -> {}));
    assertEquals(10, pauses.get()); // 10 ms per pause
  }

  @Test
  void waitsUntilAPeerStillWritingHasStopped() {
    Connection writing = new Connection("alice", new FakeSocket().session, 1_000, nanos.get());
    AtomicInteger framesLeft = new AtomicInteger(5);
    assertTrue(
        awaitQuiet(
            List.of(writing),
            Duration.ofSeconds(2),
            () -> {
              if (framesLeft.getAndDecrement() > 0) {
                writing.touch(nanos.get()); // a frame arrived during this pause
              }
            }));
    // 5 pauses with a frame, then the peer silence of 200 ms at 10 ms per pause.
    assertEquals(5 + 20, pauses.get());
  }

  @Test
  void aPeerThatNeverStopsWritingIsClosedAtTheEndOfTheGrace() {
    Connection writing = new Connection("alice", new FakeSocket().session, 1_000, nanos.get());
    assertFalse(
        awaitQuiet(List.of(writing), Duration.ofMillis(500), () -> writing.touch(nanos.get())));
    assertEquals(50, pauses.get());
  }

  @Test
  void theCloseFrameWaitEndsWhenTheWriteInFlightCompletes() {
    FakeSocket socket = new FakeSocket();
    Connection busy = new Connection("alice", socket.session, 1_000, 0);
    busy.send("new_message");
    busy.closeAfterWrites(ConnectionRegistry.SHUTTING_DOWN.getCloseCode(), "server shutting down");

    boolean closed =
        ConnectionRegistry.awaitAll(
            List.of(busy),
            Connection::isClosed,
            ConnectionRegistry.CLOSE_WAIT,
            nanos::get,
            () -> {
              if (pauses.incrementAndGet() == 2) {
                socket.completeAll();
              }
              nanos.addAndGet(Duration.ofMillis(10).toNanos());
            });

    assertTrue(closed);
    assertEquals(2, pauses.get());
    assertEquals(List.of("new_message"), socket.written);
    assertEquals(1, socket.closes.size());
  }

  private boolean awaitQuiet(List<Connection> connections, Duration grace, Runnable onPause) {
    return ConnectionRegistry.awaitQuiet(
        connections,
        grace,
        nanos::get,
        () -> {
          pauses.incrementAndGet();
          nanos.addAndGet(Duration.ofMillis(10).toNanos());
          onPause.run();
        });
  }
}
