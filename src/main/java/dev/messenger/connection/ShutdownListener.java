package dev.messenger.connection;

import jakarta.ejb.EJB;
import jakarta.ejb.NoSuchEJBException;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drains the node when the web module stops, for servers that stop the web module before the
 * registry bean (whose {@code @PreDestroy} drains otherwise). Open Liberty does it the other way
 * round: there the bean is gone by now, having drained already.
 */
@WebListener
public class ShutdownListener implements ServletContextListener {
  private static final Logger LOG = Logger.getLogger(ShutdownListener.class.getName());

  @EJB ConnectionRegistry registry;

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    try {
      registry.shutdown();
    } catch (NoSuchEJBException stoppedFirst) {
      LOG.log(Level.FINE, "the connection registry stopped (and drained) before the web module");
    }
  }
}
