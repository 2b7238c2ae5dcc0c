package dev.messenger.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DrainControlTest {
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  private final ObjectName name = DrainControl.nameFor("/drain-test");
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger connections = new AtomicInteger(3);
  private final AtomicInteger drains = new AtomicInteger();

  private DrainControl control() {
    return new DrainControl(
        () -> {
          drains.incrementAndGet();
          draining.set(true);
          connections.set(0);
        },
        draining::get,
        connections::get);
  }

  @AfterEach
  void unregister() throws Exception {
    DrainControl.unregister(name);
  }

  @Test
  void aJmxClientFindsTheControlByItsPatternAndDrainsTheNode() throws Exception {
    control().register(name);

    assertEquals(
        java.util.Set.of(name),
        server.queryNames(new ObjectName(DrainControl.NAME_PATTERN), null).stream()
            .filter(n -> n.equals(name))
            .collect(java.util.stream.Collectors.toSet()));
    assertEquals(3, server.getAttribute(name, "Connections"));
    assertEquals(false, server.getAttribute(name, "Draining"));

    server.invoke(name, "drain", new Object[0], new String[0]);

    assertEquals(1, drains.get());
    assertEquals(true, server.getAttribute(name, "Draining"));
    assertEquals(0, server.getAttribute(name, "Connections"));
  }

  @Test
  void aControlLeftBehindByAnEarlierDeploymentIsReplaced() throws Exception {
    AtomicInteger stale = new AtomicInteger();
    new DrainControl(stale::incrementAndGet, () -> false, () -> 0).register(name);

    control().register(name);
    server.invoke(name, "drain", new Object[0], new String[0]);

    assertEquals(0, stale.get());
    assertEquals(1, drains.get());
  }

  @Test
  void unregisteringRemovesItAndIsSafeTwice() throws Exception {
    control().register(name);
    DrainControl.unregister(name);
    DrainControl.unregister(name);
    assertFalse(server.isRegistered(name));
  }

  @Test
  void theRootContextAndOddPathsGiveValidDistinctNames() {
    ObjectName root = DrainControl.nameFor("");
    ObjectName odd = DrainControl.nameFor("/a,b=c:*?");
    assertTrue(root.getKeyProperty("context").contains("/"));
    assertFalse(root.equals(odd));
    assertEquals("DrainControl", odd.getKeyProperty("type"));
  }
}
