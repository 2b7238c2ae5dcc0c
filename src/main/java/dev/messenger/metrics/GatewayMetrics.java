package dev.messenger.metrics;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Names and registers every metric of the gateway (Prometheus text at {@code
 * /metrics?scope=application}). Tagged metrics are looked up per call: the registry caches them,
 * and the tag sets are small and closed.
 */
@ApplicationScoped
public class GatewayMetrics {
  @Inject MetricRegistry registry;

  /** Registered at start so a scrape shows 0 rather than nothing before the first message. */
  @PostConstruct
  void registerCounters() {
    registry.counter("messenger_messages_stored");
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    registry.gauge(
        Metadata.builder().withName(name).withDescription(description).build(),
        value,
        Supplier::get);
  }

  /** An inbound event handled (accepted or refused), by event name. */
  public void event(String event, Duration handlerTime) {
    registry.counter("messenger_events", new Tag("event", event)).inc();
    registry.timer("messenger_handler_time", new Tag("event", event)).update(handlerTime);
  }

  public void error(String code) {
    registry.counter("messenger_errors", new Tag("code", code)).inc();
  }

  public void rateLimited(String action) {
    registry.counter("messenger_rate_limited", new Tag("action", action.toLowerCase())).inc();
  }

  public void connectionRefused(String reason) {
    registry
        .counter("messenger_connections_refused", new Tag("reason", reason.toLowerCase()))
        .inc();
  }

  /** Messages accepted (send_message committed), for the monitor's messages-per-minute figure. */
  public void messageStored() {
    registry.counter("messenger_messages_stored").inc();
  }

  public long messagesStored() {
    return registry.counter("messenger_messages_stored").getCount();
  }

  public long rateLimitViolations() {
    return registry
        .getCounters((id, metric) -> id.getName().equals("messenger_rate_limited"))
        .values()
        .stream()
        .mapToLong(c -> c.getCount())
        .sum();
  }
}
