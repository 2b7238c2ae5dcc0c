package dev.messenger.health;

import dev.messenger.config.MessengerConfig;
import dev.messenger.monitor.CleanupMonitor;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the cleanup/monitor timer keeps running: without it stale sockets, typing indicators
 * and idle state would pile up unnoticed.
 */
@Liveness
@ApplicationScoped
public class MonitorLiveness implements HealthCheck {
  private static final Duration GRACE = Duration.ofSeconds(30);

  @EJB CleanupMonitor monitor;
  @Inject MessengerConfig config;

  @Override
  public HealthCheckResponse call() {
    Duration since = Duration.ofNanos(System.nanoTime() - monitor.lastTickNanos());
    boolean up = since.compareTo(config.monitorTick().multipliedBy(10).plus(GRACE)) < 0;
    return HealthCheckResponse.named("monitor")
        .status(up)
        .withData("lastTickMsAgo", since.toMillis())
        .build();
  }
}
