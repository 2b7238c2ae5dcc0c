package dev.messenger.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.BindException;
import java.net.ConnectException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One simulated user: one socket, its handshake and join, then the frames it sends and receives.
 * Runs on its channel's event loop; what it learns goes to the {@link Events} of the run.
 */
final class BenchClient extends SimpleChannelInboundHandler<WebSocketFrame> {

  /** What the run does with each client's progress and frames. */
  interface Events {
    void ready(BenchClient client, long handshakeNanos, long joinNanos);

    void failed(BenchClient client, String reason);

    void frame(BenchClient client, Frames.Inbound frame, long nowNanos);

    void unreadable(BenchClient client);

    /** The server closed (close code, or -1 for a dropped TCP connection) a ready connection. */
    void dropped(BenchClient client, int closeCode);
  }

  final int index;
  final String userId;
  final Group group;
  final String token;
  private final Target target;
  private final Events events;
  private final long timeoutNanos;
  private final AtomicBoolean settled = new AtomicBoolean();
  private volatile Channel channel;
  private volatile boolean ready;
  private volatile boolean closing;
  private long startNanos;
  private long handshakeNanos;
  private long joinSentNanos;
  private ScheduledFuture<?> sender;
  private long sent;
  private long nextIntendedNanos;

  BenchClient(
      int index,
      String userId,
      Group group,
      String token,
      Target target,
      Events events,
      long timeoutNanos) {
    this.index = index;
    this.userId = userId;
    this.group = group;
    this.token = token;
    this.target = target;
    this.events = events;
    this.timeoutNanos = timeoutNanos;
  }

  void connecting(long nowNanos) {
    startNanos = nowNanos;
  }

  void connected(Channel channel) {
    this.channel = channel;
  }

  boolean isReady() {
    return ready;
  }

  /** A connect or setup failure before the client was ready; reported once. */
  void fail(String reason) {
    if (settled.compareAndSet(false, true)) {
      events.failed(this, reason);
      Channel c = channel;
      if (c != null) {
        closing = true;
        c.close();
      }
    }
  }

  static String reason(Throwable cause) {
    if (cause instanceof WebSocketClientHandshakeException h) {
      return h.response() != null
          ? "http_" + h.response().status().code()
          : h.getMessage() != null && h.getMessage().contains("timed out")
              ? "handshake_timeout"
              : "handshake_failed";
    }
    if (cause instanceof ConnectTimeoutException) {
      return "connect_timeout";
    }
    if (cause instanceof BindException) {
      return "bind_failed";
    }
    if (cause instanceof ConnectException) {
      return "connect_refused";
    }
    return cause.getClass().getSimpleName();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      handshakeNanos = System.nanoTime() - startNanos;
      if (target == Target.PRODUCT) {
        joinSentNanos = System.nanoTime();
        ctx.writeAndFlush(new TextWebSocketFrame(Frames.joinChat(group.room)));
        ctx.executor().schedule(() -> fail("join_timeout"), timeoutNanos, TimeUnit.NANOSECONDS);
      } else {
        // The same join frame as the product gets, so both servers have read one frame on every
        // connection before memory is measured; the bare endpoint drops it without a reply.
        ctx.writeAndFlush(new TextWebSocketFrame(Frames.joinChat(group.room)));
        becomeReady(0);
      }
    } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      fail("handshake_timeout");
    }
    super.userEventTriggered(ctx, event);
  }

  private void becomeReady(long joinNanos) {
    if (settled.compareAndSet(false, true)) {
      ready = true;
      events.ready(this, handshakeNanos, joinNanos);
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof CloseWebSocketFrame close) {
      int code = close.statusCode();
      if (!ready) {
        fail("closed_" + code);
      } else if (!closing) {
        closing = true;
        events.dropped(this, code);
      }
      ctx.close();
      return;
    }
    if (!(frame instanceof TextWebSocketFrame text)) {
      return;
    }
    long now = System.nanoTime();
    Frames.Inbound in = Frames.read(text.text());
    if (in == null) {
      events.unreadable(this);
      return;
    }
    if (!ready) {
      if (in.event().equals("joined_chat")) {
        becomeReady(now - joinSentNanos);
      } else if (in.event().equals("error")) {
        fail("join_" + in.code());
      }
      return;
    }
    events.frame(this, in, now);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (!settled.get()) {
      fail("closed_before_ready");
    } else if (ready && !closing) {
      closing = true;
      events.dropped(this, -1);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!settled.get()) {
      fail(reason(cause));
    } else {
      ctx.close();
    }
  }

  /** Sends send_message at a fixed rate on this client's event loop, from a random phase. */
  void startSending(Sender sender, long periodNanos, long phaseNanos) {
    Channel c = channel;
    c.eventLoop()
        .execute(
            () -> {
              nextIntendedNanos = System.nanoTime() + phaseNanos;
              this.sender =
                  c.eventLoop()
                      .scheduleAtFixedRate(
                          () -> sendOne(sender, periodNanos),
                          phaseNanos,
                          periodNanos,
                          TimeUnit.NANOSECONDS);
            });
  }

  /** Writes one message whose tempId carries its send time. */
  interface Sender {
    String frame(BenchClient client, long nowNanos, long counter, long lagNanos);
  }

  private void sendOne(Sender sender, long periodNanos) {
    if (closing || !channel.isActive()) {
      return;
    }
    long now = System.nanoTime();
    long lag = now - nextIntendedNanos;
    nextIntendedNanos += periodNanos;
    String frame = sender.frame(this, now, sent++, lag);
    channel.writeAndFlush(new TextWebSocketFrame(frame), channel.voidPromise());
  }

  void stopSending() {
    Channel c = channel;
    if (c != null) {
      c.eventLoop()
          .execute(
              () -> {
                if (sender != null) {
                  sender.cancel(false);
                }
              });
    }
  }

  /** Ends the connection with a normal close frame. */
  void close() {
    closing = true;
    Channel c = channel;
    if (c != null && c.isActive()) {
      c.writeAndFlush(new CloseWebSocketFrame(1000, "bench done"))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
