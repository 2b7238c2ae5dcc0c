package dev.messenger.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.messenger.auth.WsTickets.Holder;
import dev.messenger.storage.TestClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WsTicketsTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final long HOUR = Duration.ofHours(1).toMillis();

  private final TestClock clock = new TestClock(Instant.parse("2025-06-01T10:00:00Z"));
  private final WsTickets tickets = new WsTickets(TTL, 3, clock, new SecureRandom());

  private long inAnHour() {
    return clock.millis() + HOUR;
  }

  @Test
  void aTicketRedeemsOnceForItsUserAndTheirTokenExpiry() {
    long tokenExpiry = inAnHour();
    WsTickets.Issued issued = tickets.issue("alice", tokenExpiry);
    assertEquals(30_000, issued.expiresInMs());
    assertEquals(Optional.of(new Holder("alice", tokenExpiry)), tickets.redeem(issued.ticket()));
    assertEquals(Optional.empty(), tickets.redeem(issued.ticket()), "second use");
    assertEquals(0, tickets.live());
    assertEquals(0, tickets.trackedUsers());
  }

  @Test
  void ticketsAreUrlSafeAndCarry256RandomBits() {
    Pattern urlSafe = Pattern.compile("[A-Za-z0-9_-]{43}");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String ticket = tickets.issue("user" + i, inAnHour()).ticket();
      assertTrue(urlSafe.matcher(ticket).matches(), ticket);
      assertTrue(seen.add(ticket), "duplicate ticket");
    }
  }

  @Test
  void anUnknownOrMissingTicketIsRefused() {
    tickets.issue("alice", inAnHour());
    assertEquals(Optional.empty(), tickets.redeem("no-such-ticket"));
    assertEquals(Optional.empty(), tickets.redeem(""));
    assertEquals(Optional.empty(), tickets.redeem(null));
  }

  @Test
  void aTicketExpiresAfterItsLifetime() {
    String early = tickets.issue("alice", inAnHour()).ticket();
    String late = tickets.issue("alice", inAnHour()).ticket();
    clock.advanceMillis(TTL.toMillis() - 1);
    assertTrue(tickets.redeem(early).isPresent(), "one millisecond before expiry");
    clock.advanceMillis(1);
    assertEquals(Optional.empty(), tickets.redeem(late), "at expiry");
    assertEquals(0, tickets.live());
  }

  @Test
  void aTicketNeverOutlivesTheTokenItWasObtainedWith() {
    long tokenExpiry = clock.millis() + 5_000;
    WsTickets.Issued issued = tickets.issue("alice", tokenExpiry);
    assertEquals(5_000, issued.expiresInMs());
    clock.advanceMillis(5_000);
    assertEquals(Optional.empty(), tickets.redeem(issued.ticket()));
  }

  @Test
  void anExpiredTokenGetsNoTicket() {
    assertThrows(IllegalArgumentException.class, () -> tickets.issue("alice", clock.millis()));
    assertEquals(0, tickets.live());
  }

  @Test
  void beyondTheLimitPerUserTheOldestTicketIsDropped() {
    List<String> issued = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      issued.add(tickets.issue("alice", inAnHour()).ticket());
    }
    String bobs = tickets.issue("bob", inAnHour()).ticket();
    assertEquals(4, tickets.live(), "three of alice's and one of bob's");
    assertEquals(Optional.empty(), tickets.redeem(issued.get(0)), "the oldest was dropped");
    for (int i = 1; i < 4; i++) {
      assertEquals("alice", tickets.redeem(issued.get(i)).orElseThrow().userId());
    }
    assertEquals("bob", tickets.redeem(bobs).orElseThrow().userId(), "other users unaffected");
  }

  @Test
  void redeemedTicketsFreeTheirPlaceUnderTheLimit() {
    String first = tickets.issue("alice", inAnHour()).ticket();
    String second = tickets.issue("alice", inAnHour()).ticket();
    tickets.redeem(first);
    tickets.redeem(second);
    List<String> more = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      more.add(tickets.issue("alice", inAnHour()).ticket());
    }
    for (String ticket : more) {
      assertTrue(tickets.redeem(ticket).isPresent(), "spent tickets must not count");
    }
  }

  @Test
  void purgeRemovesOnlyExpiredTicketsAndForgetsIdleUsers() {
    tickets.issue("alice", inAnHour());
    tickets.issue("bob", inAnHour());
    clock.advanceMillis(10_000);
    String fresh = tickets.issue("carol", inAnHour()).ticket();
    assertEquals(0, tickets.purgeExpired());
    clock.advanceMillis(TTL.toMillis() - 10_000);
    assertEquals(2, tickets.purgeExpired());
    assertEquals(1, tickets.live());
    assertEquals(1, tickets.trackedUsers());
    assertTrue(tickets.redeem(fresh).isPresent());
    assertEquals(0, tickets.trackedUsers());
  }

  @Test
  void memoryStaysBoundedUnderManyRequests() {
    for (int i = 0; i < 10_000; i++) {
      tickets.issue("user" + (i % 100), inAnHour());
      clock.advanceMillis(10);
      tickets.purgeExpired();
    }
    assertTrue(tickets.live() <= 300, "at most 3 per user: " + tickets.live());
    clock.advanceMillis(TTL.toMillis());
    tickets.purgeExpired();
    assertEquals(0, tickets.live());
    assertEquals(0, tickets.trackedUsers());
  }

  @Test
  void racingRedeemersGetATicketExactlyOnce() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 50; round++) {
        String ticket = tickets.issue("alice", inAnHour()).ticket();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Optional<Holder>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Callable<Optional<Holder>> redeem =
              () -> {
                start.await();
                return tickets.redeem(ticket);
              };
          results.add(pool.submit(redeem));
        }
        int winners = 0;
        for (Future<Optional<Holder>> result : results) {
          winners += result.get().isPresent() ? 1 : 0;
        }
        assertEquals(1, winners, "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badSettingsAreRefused() {
    SecureRandom random = new SecureRandom();
    assertThrows(
        IllegalArgumentException.class, () -> new WsTickets(Duration.ZERO, 3, clock, random));
    assertThrows(IllegalArgumentException.class, () -> new WsTickets(TTL, 0, clock, random));
  }

  @Test
  void ticketsDifferBetweenUsersAndCalls() {
    assertNotEquals(
        tickets.issue("alice", inAnHour()).ticket(), tickets.issue("alice", inAnHour()).ticket());
  }
}
