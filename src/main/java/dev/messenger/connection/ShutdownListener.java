package dev.messenger.connection;

import jakarta.ejb.EJB;
import jakarta.ejb.NoSuchEJBException;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Drains the node when the web module stops, for servers that stop the web module before the
 * registry bean (whose {@code @PreDestroy} drains otherwise), and publishes the drain over JMX
 * ({@link DrainControl}) for servers whose stop closes sockets before either runs.
 */
@WebListener
public class ShutdownListener implements ServletContextListener {
  private static final Logger LOG = Logger.getLogger(ShutdownListener.class.getName());

  @EJB ConnectionRegistry registry;

  private ObjectName drainName;

  @Override
  public void contextInitialized(ServletContextEvent event) {
    ObjectName name = DrainControl.nameFor(event.getServletContext().getContextPath());
    try {
      new DrainControl(registry::shutdown, registry::draining, registry::total).register(name);
      drainName = name;
    } catch (JMException | SecurityException e) {
      // The node still drains when the application stops; only the early trigger is missing.
      LOG.log(Level.WARNING, "could not publish the drain MBean " + name, e);
    }
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    if (drainName != null) {
      try {
        DrainControl.unregister(drainName);
      } catch (JMException e) {
        LOG.log(Level.FINE, "could not unregister " + drainName, e);
      }
    }
    try {
      registry.shutdown();
    } catch (NoSuchEJBException stoppedFirst) {
      LOG.log(Level.FINE, "the connection registry stopped (and drained) before the web module");
    }
  }
}
