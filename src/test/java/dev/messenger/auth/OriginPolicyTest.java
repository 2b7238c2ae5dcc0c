package dev.messenger.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginPolicyTest {
  private final OriginPolicy sameOriginOnly = new OriginPolicy("");

  @Test
  void noOriginHeaderMeansANonBrowserClientAndPasses() {
    assertTrue(sameOriginOnly.allows(null, "http", "chat.example.com"));
  }

  @Test
  void theServersOwnOriginPasses() {
    assertTrue(sameOriginOnly.allows("http://localhost:9080", "http", "localhost:9080"));
    assertTrue(sameOriginOnly.allows("https://chat.example.com", "https", "chat.example.com"));
    assertTrue(
        sameOriginOnly.allows("https://chat.example.com:443", "https", "chat.example.com"),
        "default port written out");
    assertTrue(
        sameOriginOnly.allows("HTTP://LocalHost:9080", "http", "localhost:9080"),
        "scheme and host are case-insensitive");
  }

  @Test
  void anotherHostPortOrSchemeIsRefused() {
    assertFalse(sameOriginOnly.allows("http://evil.example", "http", "localhost:9080"));
    assertFalse(sameOriginOnly.allows("http://localhost:9081", "http", "localhost:9080"));
    assertFalse(sameOriginOnly.allows("https://localhost:9080", "http", "localhost:9080"));
    assertFalse(
        sameOriginOnly.allows("http://localhost.evil.example:9080", "http", "localhost:9080"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "",
        "file://",
        "chrome-extension://abcdef",
        "http://",
        "http://localhost:9080/path",
        "http://localhost:9080?x=1",
        "http://user@localhost:9080",
        "not an origin",
        "ws://localhost:9080"
      })
  void malformedOrOpaqueOriginsAreRefused(String origin) {
    assertFalse(sameOriginOnly.allows(origin, "http", "localhost:9080"));
  }

  @Test
  void withoutAHostHeaderOnlyConfiguredOriginsPass() {
    assertFalse(sameOriginOnly.allows("http://localhost:9080", "http", null));
  }

  @Test
  void configuredOriginsPassInAdditionToTheServersOwn() {
    OriginPolicy policy =
        new OriginPolicy(" https://app.example.com , http://localhost:3000,HTTPS://Other.Example ");
    assertEquals(
        Set.of("https://app.example.com:443", "http://localhost:3000", "https://other.example:443"),
        policy.allowed());
    assertTrue(policy.allows("https://app.example.com", "http", "localhost:9080"));
    assertTrue(policy.allows("http://localhost:3000", "http", "localhost:9080"));
    assertTrue(policy.allows("https://other.example", "http", "localhost:9080"));
    assertTrue(policy.allows("http://localhost:9080", "http", "localhost:9080"));
    assertFalse(policy.allows("http://app.example.com", "http", "localhost:9080"), "wrong scheme");
    assertFalse(policy.allows("http://localhost:3001", "http", "localhost:9080"), "wrong port");
  }

  @ParameterizedTest
  @ValueSource(strings = {"app.example.com", "https://app.example.com/", "*", "null"})
  void aMisconfiguredOriginFailsLoudly(String entry) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new OriginPolicy(entry));
    assertTrue(e.getMessage().contains(entry), e.getMessage());
  }
}
