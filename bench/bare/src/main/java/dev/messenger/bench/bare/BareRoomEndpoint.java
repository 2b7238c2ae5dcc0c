package dev.messenger.bench.bare;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Relays each text frame, unparsed, to every other session of the same room with asynchronous
 * sends. A static room map on purpose (the house style forbids it in the product): the point is to
 * measure the container alone, without CDI, EJB or any application code on the path.
 */
@ServerEndpoint("/bare/{room}")
public class BareRoomEndpoint {
  private static final Map<String, Set<Outbox>> ROOMS = new ConcurrentHashMap<>();
  private static final String OUTBOX = "outbox";
  private static final String JOIN = "{\"event\":\"join_chat\"";

  @OnOpen
  public void open(Session session, @PathParam("room") String room) {
    Outbox outbox = new Outbox(session);
    session.getUserProperties().put(OUTBOX, outbox);
    session.setMaxIdleTimeout(0);
    ROOMS.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(outbox);
  }

  @OnMessage
  public void text(Session session, String frame, @PathParam("room") String room) {
    if (frame.startsWith(JOIN)) {
      // The generator's join, sent on every connection as to the product: read, then dropped (the
      // room is in the URL). Liberty sets up about 8.5 KB of native buffers per connection on its
      // first inbound frame, so a connection that never received one is cheaper than any real one.
      return;
    }
    Set<Outbox> members = ROOMS.get(room);
    if (members == null) {
      return;
    }
    Object self = session.getUserProperties().get(OUTBOX);
    for (Outbox member : members) {
      if (member != self) {
        member.send(frame);
      }
    }
  }

  @OnClose
  public void close(Session session, @PathParam("room") String room) {
    Object outbox = session.getUserProperties().get(OUTBOX);
    ROOMS.computeIfPresent(
        room,
        (r, members) -> {
          members.remove(outbox);
          return members.isEmpty() ? null : members;
        });
  }

  @OnError
  public void error(Session session, Throwable failure) {
    // A peer that vanished mid-write; its close removes it from the room.
  }

  /**
   * One asynchronous write in flight per session: the container refuses a second async send while
   * one is pending, so frames from concurrent senders queue here (unbounded: the bench's clients
   * read as fast as they can). The same drain scheme as the product's connection, so the two differ
   * only by the application around it.
   */
  static final class Outbox {
    /**
     * {@code -Dbench.bare.blocking-writes=true}: every frame through the blocking remote on the
     * sender's thread, to measure what Open Liberty's asynchronous write path costs (it queues
     * every write to its write selector and hands the completion to a pool thread). A measurement
     * only: a peer that stops reading would block the sender.
     */
    private static final boolean BLOCKING_WRITES = Boolean.getBoolean("bench.bare.blocking-writes");

    private final Session session;
    private final Queue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    Outbox(Session session) {
      this.session = session;
    }

    void send(String frame) {
      queue.add(frame);
      drain();
    }

    private void drain() {
      while (writing.compareAndSet(false, true)) {
        String next = queue.poll();
        if (next == null) {
          writing.set(false);
          if (queue.isEmpty()) {
            return;
          }
          continue;
        }
        Write write = new Write();
        try {
          if (BLOCKING_WRITES) {
            try {
              session.getBasicRemote().sendText(next);
              write.onResult(new SendResult());
            } catch (IOException io) {
              write.onResult(new SendResult(io));
            }
          } else {
            session.getAsyncRemote().sendText(next, write);
          }
        } catch (RuntimeException e) {
          write.onResult(new SendResult(e));
        }
        write.returned = true;
        if (!write.completedInline) {
          return; // the completion handler carries on draining
        }
      }
    }

    /** A write completed on the sending thread continues the loop there instead of recursing. */
    private final class Write implements SendHandler {
      private final Thread caller = Thread.currentThread();
      volatile boolean returned;
      boolean completedInline;

      @Override
      public void onResult(SendResult result) {
        if (!result.isOK()) {
          queue.clear();
        }
        writing.set(false);
        if (Thread.currentThread() == caller && !returned) {
          completedInline = true;
        } else {
          drain();
        }
      }
    }
  }
}
