package dev.messenger.metrics;

import dev.messenger.HotPathSingleton;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Names and registers every metric of the gateway (Prometheus text at {@code
 * /metrics?scope=application}). Each tagged metric is looked up in the registry once and then kept
 * here: the registry's own lookup synchronises, and doing it on every frame serialised the socket
 * threads (bench/README.md, hot spots). The tag values are closed sets (event names, error codes,
 * actions, reasons), so the maps stay small.
 */
@HotPathSingleton
public class GatewayMetrics {
  @Inject MetricRegistry registry;

  private final Map<String, Counter> events = new ConcurrentHashMap<>();
  private final Map<String, Timer> handlerTimes = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<String, Counter> rateLimited = new ConcurrentHashMap<>();
  private final Map<String, Counter> refused = new ConcurrentHashMap<>();
  private Counter messagesStored;
  private Counter sendCommits;
  private Counter sendWriterCpu;

  /** Registered at start so a scrape shows 0 rather than nothing before the first message. */
  @PostConstruct
  void registerCounters() {
    messagesStored = registry.counter("messenger_messages_stored");
    sendCommits =
        registry.counter(
            Metadata.builder()
                .withName("messenger_send_commits")
                .withDescription(
                    "Batches of send_message written by group commit (messages_stored over this is"
                        + " the mean batch: the larger, the cheaper each message's commit)")
                .build());
    sendWriterCpu =
        registry.counter(
            Metadata.builder()
                .withName("messenger_send_writer_cpu_nanoseconds")
                .withDescription(
                    "CPU time the group-commit writer spent on batches of send_message (statements,"
                        + " commit, journal); over messages_stored it is what storing one message"
                        + " costs on this node's thread")
                .build());
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    registry.gauge(
        Metadata.builder().withName(name).withDescription(description).build(),
        value,
        Supplier::get);
  }

  /** An inbound event handled (accepted or refused), by event name. */
  public void event(String event, Duration handlerTime) {
    events
        .computeIfAbsent(event, e -> registry.counter("messenger_events", new Tag("event", e)))
        .inc();
    handlerTimes
        .computeIfAbsent(event, e -> registry.timer("messenger_handler_time", new Tag("event", e)))
        .update(handlerTime);
  }

  public void error(String code) {
    errors
        .computeIfAbsent(code, c -> registry.counter("messenger_errors", new Tag("code", c)))
        .inc();
  }

  public void rateLimited(String action) {
    rateLimited
        .computeIfAbsent(
            action,
            a -> registry.counter("messenger_rate_limited", new Tag("action", a.toLowerCase())))
        .inc();
  }

  public void connectionRefused(String reason) {
    refused
        .computeIfAbsent(
            reason,
            r ->
                registry.counter(
                    "messenger_connections_refused", new Tag("reason", r.toLowerCase())))
        .inc();
  }

  /** Messages accepted (send_message committed), for the monitor's messages-per-minute figure. */
  public void messageStored() {
    messagesStored.inc();
  }

  /**
   * One batch of sends handed to the writer (a whole batch, or one item of a failed batch retried
   * alone); a batch whose tempId was resent takes a second transaction, not counted again.
   */
  public void sendCommitted() {
    sendCommits.inc();
  }

  /** CPU time of the writer's thread spent on one batch of sends (0 where not measurable). */
  public void sendWriterCpu(long nanos) {
    if (nanos > 0) {
      sendWriterCpu.inc(nanos);
    }
  }

  public long messagesStored() {
    return messagesStored.getCount();
  }

  public long rateLimitViolations() {
    return rateLimited.values().stream().mapToLong(Counter::getCount).sum();
  }
}
