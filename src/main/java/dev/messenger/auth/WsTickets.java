package dev.messenger.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time WebSocket tickets: a browser cannot put a bearer token on a WebSocket handshake, so it
 * trades its token over REST for a short-lived random ticket that it puts in the socket URL. A
 * ticket works once, is bound to the user who asked for it, and never outlives that user's token.
 *
 * <p>Memory stays bounded: at most {@code maxPerUser} live tickets per user (issuing one more drops
 * that user's oldest, so a page that reloads often never locks itself out), and expired tickets are
 * removed by {@link #purgeExpired} (the monitor tick) or when they are presented.
 */
public final class WsTickets {
  private static final int TICKET_BYTES = 32; // 256 bits

  /** What a ticket stands for. */
  public record Holder(String userId, long tokenExpiresAtMs) {}

  /** A newly issued ticket. */
  public record Issued(String ticket, long expiresInMs) {}

  private record Ticket(String value, Holder holder, long expiresAtMs) {}

  private final long ttlMs;
  private final int maxPerUser;
  private final Clock clock;
  private final SecureRandom random;
  private final ConcurrentHashMap<String, Ticket> byValue = new ConcurrentHashMap<>();

  /** Each user's live tickets, oldest first; mutated only inside {@code compute} for that user. */
  private final ConcurrentHashMap<String, ArrayDeque<String>> byUser = new ConcurrentHashMap<>();

  public WsTickets(Duration ttl, int maxPerUser, Clock clock, SecureRandom random) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ticket lifetime must be positive: " + ttl);
    }
    if (maxPerUser < 1) {
      throw new IllegalArgumentException("tickets per user must be at least 1: " + maxPerUser);
    }
    this.ttlMs = ttl.toMillis();
    this.maxPerUser = maxPerUser;
    this.clock = Objects.requireNonNull(clock);
    this.random = Objects.requireNonNull(random);
  }

  /**
   * Issues a ticket for {@code userId}, valid for the configured lifetime or until the token it was
   * obtained with expires, whichever comes first.
   *
   * @throws IllegalArgumentException if the token has already expired (the container would not have
   *     accepted it; this guards the arithmetic)
   */
  public Issued issue(String userId, long tokenExpiresAtMs) {
    Objects.requireNonNull(userId);
    long now = clock.millis();
    long expiresAt = Math.min(now + ttlMs, tokenExpiresAtMs);
    if (expiresAt <= now) {
      throw new IllegalArgumentException("the token has expired");
    }
    Ticket ticket = new Ticket(newValue(), new Holder(userId, tokenExpiresAtMs), expiresAt);
    byUser.compute(
        userId,
        (id, queue) -> {
          ArrayDeque<String> live = queue == null ? new ArrayDeque<>() : queue;
          // Values already redeemed or purged are dropped from the queue here, lazily.
          live.removeIf(value -> !byValue.containsKey(value));
          while (live.size() >= maxPerUser) {
            byValue.remove(live.pollFirst());
          }
          byValue.put(ticket.value(), ticket);
          live.addLast(ticket.value());
          return live;
        });
    return new Issued(ticket.value(), expiresAt - now);
  }

  /**
   * Spends a ticket. Empty when it is unknown, already used, dropped or expired; a ticket can be
   * redeemed by exactly one caller however many race for it.
   */
  public Optional<Holder> redeem(String value) {
    if (value == null) {
      return Optional.empty();
    }
    Ticket ticket = byValue.remove(value);
    if (ticket == null) {
      return Optional.empty();
    }
    forget(ticket);
    if (clock.millis() >= ticket.expiresAtMs()) {
      return Optional.empty();
    }
    return Optional.of(ticket.holder());
  }

  /**
   * Removes expired tickets.
   *
   * @return how many were removed
   */
  public int purgeExpired() {
    long now = clock.millis();
    int removed = 0;
    for (Ticket ticket : byValue.values()) {
      if (now >= ticket.expiresAtMs() && byValue.remove(ticket.value(), ticket)) {
        forget(ticket);
        removed++;
      }
    }
    return removed;
  }

  /** Live (issued, not yet redeemed or purged) tickets on this node. */
  public int live() {
    return byValue.size();
  }

  /** Users with an entry in the per-user index; a number that only grows would be a leak. */
  public int trackedUsers() {
    return byUser.size();
  }

  private void forget(Ticket ticket) {
    byUser.computeIfPresent(
        ticket.holder().userId(),
        (id, queue) -> {
          queue.remove(ticket.value());
          return queue.isEmpty() ? null : queue;
        });
  }

  private String newValue() {
    byte[] bytes = new byte[TICKET_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
