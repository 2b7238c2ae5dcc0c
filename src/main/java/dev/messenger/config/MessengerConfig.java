package dev.messenger.config;

import dev.messenger.HotPathSingleton;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's settings. Defaults live in {@code META-INF/microprofile-config.properties}; any key
 * can be overridden by an environment variable (upper case, dots and dashes as underscores), e.g.
 * {@code MESSENGER_CONNECTIONS_MAX_PER_USER=5}. README lists every key.
 */
@HotPathSingleton
public class MessengerConfig {

  @Inject
  @ConfigProperty(name = "messenger.production")
  boolean production;

  @Inject
  @ConfigProperty(name = "messenger.connections.max-per-user")
  int maxConnectionsPerUser;

  @Inject
  @ConfigProperty(name = "messenger.connections.max-total")
  int maxConnectionsTotal;

  @Inject
  @ConfigProperty(name = "messenger.handshake.timeout-ms")
  long handshakeTimeoutMs;

  @Inject
  @ConfigProperty(name = "messenger.ratelimit.messages-per-minute")
  int messagesPerMinute;

  @Inject
  @ConfigProperty(name = "messenger.ratelimit.reactions-per-minute")
  int reactionsPerMinute;

  @Inject
  @ConfigProperty(name = "messenger.ratelimit.typing-per-minute")
  int typingPerMinute;

  @Inject
  @ConfigProperty(name = "messenger.frame.max-bytes")
  int maxFrameBytes;

  @Inject
  @ConfigProperty(name = "messenger.message.max-length")
  int maxMessageLength;

  @Inject
  @ConfigProperty(name = "messenger.message.max-attachments")
  int maxAttachments;

  @Inject
  @ConfigProperty(name = "messenger.reaction.max-length")
  int maxEmojiLength;

  @Inject
  @ConfigProperty(name = "messenger.chat.max-members")
  int maxChatMembers;

  @Inject
  @ConfigProperty(name = "messenger.typing.timeout-ms")
  long typingTimeoutMs;

  @Inject
  @ConfigProperty(name = "messenger.heartbeat.ping-interval-ms")
  long pingIntervalMs;

  @Inject
  @ConfigProperty(name = "messenger.heartbeat.idle-timeout-ms")
  long idleTimeoutMs;

  @Inject
  @ConfigProperty(name = "messenger.monitor.tick-ms")
  long monitorTickMs;

  @Inject
  @ConfigProperty(name = "messenger.monitor.report-interval-ms")
  long reportIntervalMs;

  @Inject
  @ConfigProperty(name = "messenger.replay.max-events")
  int replayMaxEvents;

  @Inject
  @ConfigProperty(name = "messenger.history.default-page-size")
  int historyDefaultPageSize;

  @Inject
  @ConfigProperty(name = "messenger.history.max-page-size")
  int historyMaxPageSize;

  @Inject
  @ConfigProperty(name = "messenger.outbound.max-queued-bytes")
  long maxQueuedBytes;

  @Inject
  @ConfigProperty(name = "messenger.outbound.inline-credit-bytes")
  long inlineCreditBytes;

  @Inject
  @ConfigProperty(name = "messenger.send.commit-shards")
  int sendCommitShards;

  @Inject
  @ConfigProperty(name = "messenger.send.commit-max-batch")
  int sendCommitMaxBatch;

  @Inject
  @ConfigProperty(name = "messenger.send.completion-lanes")
  int sendCompletionLanes;

  @Inject
  @ConfigProperty(name = "messenger.send.max-queued")
  int sendMaxQueued;

  @Inject
  @ConfigProperty(name = "messenger.send.commit-linger-us")
  long sendCommitLingerMicros;

  @Inject
  @ConfigProperty(name = "messenger.send.journal")
  boolean sendJournal;

  @Inject
  @ConfigProperty(name = "messenger.send.journal-checkpoint-ms")
  long sendJournalCheckpointMs;

  @Inject
  @ConfigProperty(name = "messenger.send.resend-window-ms")
  long sendResendWindowMs;

  @Inject
  @ConfigProperty(name = "messenger.websocket.compression")
  boolean compression;

  @Inject
  @ConfigProperty(name = "messenger.websocket.allowed-origins")
  Optional<String> allowedOrigins;

  @Inject
  @ConfigProperty(name = "messenger.tickets.ttl-ms")
  long ticketTtlMs;

  @Inject
  @ConfigProperty(name = "messenger.tickets.max-per-user")
  int ticketsMaxPerUser;

  @Inject
  @ConfigProperty(name = "messenger.dev.private-key.location")
  Optional<String> devPrivateKeyLocation;

  @Inject
  @ConfigProperty(name = "messenger.dev.token-ttl-ms")
  long devTokenTtlMs;

  @Inject
  @ConfigProperty(name = "mp.jwt.verify.issuer")
  String jwtIssuer;

  @Inject
  @ConfigProperty(name = "messenger.attachments.max-bytes")
  long attachmentsMaxBytes;

  @Inject
  @ConfigProperty(name = "messenger.attachments.allowed-types")
  List<String> attachmentsAllowedTypes;

  /** Set by Liberty's server.xml (under the server's output folder); other servers may omit it. */
  @Inject
  @ConfigProperty(name = "messenger.attachments.dir")
  Optional<String> attachmentsDir;

  @Inject
  @ConfigProperty(name = "messenger.attachments.orphan-ttl-ms")
  long attachmentsOrphanTtlMs;

  @Inject
  @ConfigProperty(name = "messenger.shutdown.grace-ms")
  long shutdownGraceMs;

  public boolean production() {
    return production;
  }

  public int maxConnectionsPerUser() {
    return maxConnectionsPerUser;
  }

  public int maxConnectionsTotal() {
    return maxConnectionsTotal;
  }

  public Duration handshakeTimeout() {
    return Duration.ofMillis(handshakeTimeoutMs);
  }

  public int messagesPerMinute() {
    return messagesPerMinute;
  }

  public int reactionsPerMinute() {
    return reactionsPerMinute;
  }

  public int typingPerMinute() {
    return typingPerMinute;
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  public int maxMessageLength() {
    return maxMessageLength;
  }

  public int maxAttachments() {
    return maxAttachments;
  }

  public int maxEmojiLength() {
    return maxEmojiLength;
  }

  public int maxChatMembers() {
    return maxChatMembers;
  }

  public Duration typingTimeout() {
    return Duration.ofMillis(typingTimeoutMs);
  }

  public Duration pingInterval() {
    return Duration.ofMillis(pingIntervalMs);
  }

  public Duration idleTimeout() {
    return Duration.ofMillis(idleTimeoutMs);
  }

  public Duration monitorTick() {
    return Duration.ofMillis(monitorTickMs);
  }

  public Duration reportInterval() {
    return Duration.ofMillis(reportIntervalMs);
  }

  public int replayMaxEvents() {
    return replayMaxEvents;
  }

  public int historyDefaultPageSize() {
    return historyDefaultPageSize;
  }

  public int historyMaxPageSize() {
    return historyMaxPageSize;
  }

  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /**
   * Bytes a connection may have written on the sender's thread that its peer has not yet proven to
   * have read (a pong); 0 writes every frame asynchronously.
   */
  public long inlineCreditBytes() {
    return Math.max(0, inlineCreditBytes);
  }

  /** Independent group-commit writers for send_message; a chat always uses the same one. */
  public int sendCommitShards() {
    return sendCommitShards;
  }

  /** Completion lanes of the send path; 0 (or less): one per processor the JVM may use. */
  public int sendCompletionLanes() {
    return sendCompletionLanes > 0
        ? sendCompletionLanes
        : Runtime.getRuntime().availableProcessors();
  }

  /** Most messages committed in one transaction. */
  public int sendCommitMaxBatch() {
    return sendCommitMaxBatch;
  }

  /**
   * Sends waiting for their commit, over all shards, beyond which {@code send_message} is refused
   * with OVERLOADED.
   */
  public int sendMaxQueued() {
    return sendMaxQueued;
  }

  /** How long a group-commit batch that is not full waits for more sends, from its oldest. */
  public long sendCommitLingerMicros() {
    return sendCommitLingerMicros;
  }

  /** On embedded H2: acknowledged sends are journaled instead of written out per commit. */
  public boolean sendJournal() {
    return sendJournal;
  }

  /** How often the H2 store is written out and the send journal before it deleted. */
  public Duration sendJournalCheckpoint() {
    return Duration.ofMillis(sendJournalCheckpointMs);
  }

  /**
   * On embedded H2: how long a resent tempId is recognised (each chat's recent tempIds in memory,
   * no index over every message); zero: always, by the database's unique index.
   */
  public Duration sendResendWindow() {
    return Duration.ofMillis(Math.max(0, sendResendWindowMs));
  }

  public boolean compression() {
    return compression;
  }

  /** Comma-separated browser origins allowed to open the socket; empty means same origin only. */
  public Optional<String> allowedOrigins() {
    return allowedOrigins;
  }

  public Duration ticketTtl() {
    return Duration.ofMillis(ticketTtlMs);
  }

  public int ticketsMaxPerUser() {
    return ticketsMaxPerUser;
  }

  /** URL of the development private key; absent on a server that has none. */
  public Optional<String> devPrivateKeyLocation() {
    return devPrivateKeyLocation;
  }

  public Duration devTokenTtl() {
    return Duration.ofMillis(devTokenTtlMs);
  }

  public String jwtIssuer() {
    return jwtIssuer;
  }

  public long attachmentsMaxBytes() {
    return attachmentsMaxBytes;
  }

  public List<String> attachmentsAllowedTypes() {
    return attachmentsAllowedTypes;
  }

  public Optional<String> attachmentsDir() {
    return attachmentsDir.filter(dir -> !dir.isBlank());
  }

  /** Zero or less: uploads never sent are kept forever. */
  public Duration attachmentsOrphanTtl() {
    return Duration.ofMillis(attachmentsOrphanTtlMs);
  }

  public Duration shutdownGrace() {
    return Duration.ofMillis(shutdownGraceMs);
  }
}
