package dev.messenger.connection;

import jakarta.ejb.EJB;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Drains the node when the web module stops, which on some servers happens before the registry bean
 * is destroyed and the WebSocket container closes sockets on its own (with no reason).
 */
@WebListener
public class ShutdownListener implements ServletContextListener {
  @EJB ConnectionRegistry registry;

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    registry.shutdown();
  }
}
