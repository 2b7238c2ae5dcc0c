package dev.messenger.connection;

/**
 * The node's drain, as a standard MBean on the platform MBean server: an operator (or a server hook
 * that runs before the server tears its sockets down) drains the node before it stops. See {@link
 * DrainControl}.
 */
public interface DrainControlMBean {
  /**
   * Drains the node as on shutdown: new handshakes get 503, inbound events stop, replies in flight
   * are written, then every socket is closed with 1001. Returns when the sockets are closed. One
   * way: the node takes no connection afterwards until it is restarted.
   */
  void drain();

  /** True once a drain has begun. */
  boolean isDraining();

  /** Open WebSocket connections on this node. */
  int getConnections();
}
