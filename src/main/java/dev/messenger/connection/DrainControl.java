package dev.messenger.connection;

import java.lang.management.ManagementFactory;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Publishes the node's drain as the MBean {@code dev.messenger:type=DrainControl,context=<path>}.
 *
 * <p>Why JMX: a server that tears its sockets down before it stops the application (Open Liberty
 * quiesces first) gives the application no hook in time (a Liberty quiesce listener runs
 * concurrently with the transport's and loses the race). JMX is plain Java SE, so the WAR stays
 * server-neutral; {@code ops/DrainNode.java} invokes {@link #drain()} from outside the JVM, and
 * {@code ops/stop-liberty-gracefully.sh} runs it before {@code server stop}. Operators can call it
 * too, before a rolling restart.
 */
public final class DrainControl implements DrainControlMBean {
  /** The MBean domain and type; {@code context} tells two deployments in one JVM apart. */
  public static final String NAME_PATTERN = "dev.messenger:type=DrainControl,*";

  private final Runnable drain;
  private final BooleanSupplier draining;
  private final IntSupplier connections;

  DrainControl(Runnable drain, BooleanSupplier draining, IntSupplier connections) {
    this.drain = Objects.requireNonNull(drain);
    this.draining = Objects.requireNonNull(draining);
    this.connections = Objects.requireNonNull(connections);
  }

  static ObjectName nameFor(String contextPath) {
    try {
      String context = contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
      return new ObjectName("dev.messenger:type=DrainControl,context=" + ObjectName.quote(context));
    } catch (JMException e) {
      throw new IllegalArgumentException("no MBean name for context " + contextPath, e);
    }
  }

  /**
   * Registers this control under {@code name} on the platform MBean server, replacing one left
   * behind by an earlier deployment of the same context that did not unregister.
   */
  void register(ObjectName name) throws JMException {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      server.registerMBean(this, name);
    } catch (InstanceAlreadyExistsException stale) {
      server.unregisterMBean(name);
      server.registerMBean(this, name);
    }
  }

  static void unregister(ObjectName name) throws JMException {
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    } catch (InstanceNotFoundException gone) {
      // Never registered (registration failed at start) or already removed: nothing to do.
    }
  }

  @Override
  public void drain() {
    drain.run();
  }

  @Override
  public boolean isDraining() {
    return draining.getAsBoolean();
  }

  @Override
  public int getConnections() {
    return connections.getAsInt();
  }
}
