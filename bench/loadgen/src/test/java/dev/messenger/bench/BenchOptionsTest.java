package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void sourceAddressRangesAndLists() throws Exception {
    assertEquals(
        List.of(
            InetAddress.getByName("127.0.0.2"),
            InetAddress.getByName("127.0.0.3"),
            InetAddress.getByName("127.0.0.9")),
        BenchOptions.parseSourceAddresses("127.0.0.2-3, 127.0.0.9"));
  }

  @Test
  void onlyLoopbackSourcesAreAccepted() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> BenchOptions.parseSourceAddresses("10.0.0.1"));
    assertTrue(e.getMessage().contains("not a loopback address"), e.getMessage());
  }

  @Test
  void brokenRangesAreRefused() {
    for (String bad : List.of("127.0.0.5-2", "127.0.0.1-x", "127.0.0.1-300")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> BenchOptions.parseSourceAddresses(bad));
      assertTrue(e.getMessage().contains("is not a range"), bad + ": " + e.getMessage());
    }
  }

  @Test
  void theTargetMustBeOnThisMachine() {
    BenchOptions options = new BenchOptions();
    options.url = "http://192.0.2.1:9180";
    assertThrows(IllegalArgumentException.class, options::parsedUrl);
    options.url = "ws://127.0.0.1:9180";
    assertThrows(IllegalArgumentException.class, options::parsedUrl);
    options.url = "http://localhost:9180";
    assertEquals(9180, options.parsedUrl().getPort());
  }

  @Test
  void unknownTargetsAreRefused() {
    BenchOptions options = new BenchOptions();
    options.target = "other";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, options::parsedTarget);
    assertTrue(e.getMessage().contains("product or bare"));
  }

  @Test
  void ratiosAndCountsAreChecked() {
    assertThrows(
        IllegalArgumentException.class, () -> BenchOptions.requireRatio(1.5, "--max-loss-ratio"));
    assertThrows(
        IllegalArgumentException.class, () -> BenchOptions.requireRatio(-0.1, "--max-loss-ratio"));
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.requirePositive(0, "--users"));
    assertThrows(
        IllegalArgumentException.class, () -> BenchOptions.requirePositive(Double.NaN, "--rate"));
  }
}
