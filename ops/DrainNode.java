import com.sun.tools.attach.VirtualMachine;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Drains a running messenger node before it is stopped: new handshakes get 503, inbound events
 * stop, replies in flight are written, then every socket is closed with 1001 "server shutting down".
 * Returns when the sockets are closed; stop the server afterwards.
 *
 * <pre>java ops/DrainNode.java &lt;server JVM pid&gt;</pre>
 *
 * <p>Works on any server: it attaches to the JVM (same user, a JDK's {@code java}) and invokes the
 * WAR's {@code dev.messenger:type=DrainControl} MBean. Needed on Open Liberty, whose {@code server
 * stop} drops open sockets before the application can close them
 * (ops/stop-liberty-gracefully.sh runs this, then {@code server stop}); useful anywhere
 * before a rolling restart. Exit 0 drained, 1 no messenger in that JVM, 2 usage or attach error.
 */
public final class DrainNode {
  private static final String CONTROLS = "dev.messenger:type=DrainControl,*";

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !args[0].matches("\\d+")) {
      System.err.println("usage: java ops/DrainNode.java <server JVM pid>");
      System.exit(2);
    }
    String address;
    try {
      VirtualMachine vm = VirtualMachine.attach(args[0]);
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
    } catch (Exception e) {
      System.err.println("DrainNode: cannot attach to JVM " + args[0] + ": " + e);
      System.exit(2);
      return;
    }
    try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
      MBeanServerConnection server = connector.getMBeanServerConnection();
      Set<ObjectName> controls = server.queryNames(new ObjectName(CONTROLS), null);
      if (controls.isEmpty()) {
        System.err.println("DrainNode: no messenger application in JVM " + args[0]);
        System.exit(1);
      }
      for (ObjectName control : controls) {
        Object open = server.getAttribute(control, "Connections");
        long started = System.nanoTime();
        server.invoke(control, "drain", new Object[0], new String[0]);
        System.out.printf(
            "DrainNode: %s drained: %s connections closed with 1001 in %d ms%n",
            control, open, (System.nanoTime() - started) / 1_000_000);
      }
    }
  }
}
