package dev.messenger.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client sockets: a few event-loop threads (epoll when available) carry every connection, each
 * bound to one of the loopback source addresses in turn, since one source address runs out of
 * ephemeral ports at about 28k connections to one server port.
 */
final class ClientPool implements AutoCloseable {
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final URI base;
  private final Target target;
  private final List<InetAddress> sources;
  private final int timeoutMillis;

  ClientPool(URI base, Target target, List<InetAddress> sources, int threads, int timeoutMillis) {
    this.base = base;
    this.target = target;
    this.sources = sources;
    this.timeoutMillis = timeoutMillis;
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis);
  }

  /** Starts connecting; the outcome reaches the client's events (ready or failed), once. */
  void open(BenchClient client) {
    URI uri = target.socketUri(base, client.group.room);
    HttpHeaders headers = new DefaultHttpHeaders();
    if (client.token != null) {
      headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + client.token);
    }
    WebSocketClientProtocolConfig config =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .customHeaders(headers)
            .handshakeTimeoutMillis(timeoutMillis)
            .maxFramePayloadLength(1 << 20)
            .handleCloseFrames(false)
            .build();
    Bootstrap b =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new HttpClientCodec(),
                            new HttpObjectAggregator(64 * 1024),
                            new WebSocketClientProtocolHandler(config),
                            client);
                  }
                });
    InetSocketAddress remote = new InetSocketAddress(uri.getHost(), uri.getPort());
    InetSocketAddress local = new InetSocketAddress(sources.get(client.index % sources.size()), 0);
    client.connecting(System.nanoTime());
    ChannelFuture f = b.connect(remote, local);
    client.connected(f.channel());
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            client.fail(BenchClient.reason(done.cause()));
          }
        });
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
