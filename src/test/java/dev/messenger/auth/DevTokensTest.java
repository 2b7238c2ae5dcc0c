package dev.messenger.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.messenger.storage.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DevTokensTest {
  private static final Path PRIVATE_KEY = Path.of("server-config/liberty/dev-jwt/private-key.pem");
  private static final Path PUBLIC_KEY = Path.of("server-config/liberty/dev-jwt/public-key.pem");
  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

  private final TestClock clock = new TestClock(NOW);

  private static String location(Path path) {
    return path.toAbsolutePath().toUri().toString();
  }

  private DevTokens tokens() throws IOException {
    return new DevTokens(
        DevTokens.readPrivateKey(location(PRIVATE_KEY)),
        "messenger-dev",
        Duration.ofHours(1),
        clock);
  }

  private static RSAPublicKey publicKey() throws Exception {
    String base64 =
        Files.readString(PUBLIC_KEY)
            .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    return (RSAPublicKey)
        KeyFactory.getInstance("RSA")
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  @Test
  void theTokenIsAnRs256JwtThatTheServersPublicKeyVerifies() throws Exception {
    DevTokens.Minted minted = tokens().mint("alice");
    assertEquals(3_600_000, minted.expiresInMs());
    SignedJWT jwt = SignedJWT.parse(minted.token());
    assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());
    assertTrue(jwt.verify(new RSASSAVerifier(publicKey())));
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertEquals("messenger-dev", claims.getIssuer());
    assertEquals("alice", claims.getSubject());
    assertEquals("alice", claims.getStringClaim("upn"));
    assertEquals(List.of("user"), claims.getStringListClaim("groups"));
    assertEquals(NOW, claims.getIssueTime().toInstant());
    assertEquals(NOW.plus(Duration.ofHours(1)), claims.getExpirationTime().toInstant());
    assertFalse(claims.getJWTID().isBlank());
  }

  @Test
  void theShippedServerKeyIsTheDevelopmentKey() throws IOException {
    assertEquals(
        Files.readString(Path.of("dev/jwt/private-key.pem")), Files.readString(PRIVATE_KEY));
    assertEquals(
        Files.readString(PRIVATE_KEY),
        Files.readString(Path.of("server-config/payara/dev-jwt/private-key.pem")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "alice",
        "a",
        "Bob.Smith_2@example-corp",
        "0123456789012345678901234567890123456789012345678901234567890123"
      })
  void validUserIds(String userId) throws Exception {
    assertTrue(DevTokens.validUserId(userId));
    assertEquals(
        userId, SignedJWT.parse(tokens().mint(userId).token()).getJWTClaimsSet().getSubject());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "alice bob",
        "alice\n",
        "al/ice",
        "al\"ice",
        "ålice",
        "01234567890123456789012345678901234567890123456789012345678901234"
      })
  void invalidUserIdsAreRefused(String userId) {
    assertFalse(DevTokens.validUserId(userId));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> tokens().mint(userId));
    assertEquals(DevTokens.USER_ID_RULE, e.getMessage());
  }

  @Test
  void aMissingOrBrokenKeyFileIsAnIoError() throws IOException {
    assertThrows(
        IOException.class, () -> DevTokens.readPrivateKey(location(Path.of("no/such/key.pem"))));
    Path notAKey = Files.createTempFile("not-a-key", ".pem");
    try {
      Files.writeString(notAKey, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
      assertThrows(IOException.class, () -> DevTokens.readPrivateKey(location(notAKey)));
    } finally {
      Files.delete(notAKey);
    }
  }

  @Test
  void devSignInExistsOnlyOnADevelopmentServerWithTheKeyFile() {
    Optional<String> key = Optional.of(location(PRIVATE_KEY));
    Duration ttl = Duration.ofHours(1);
    assertTrue(DevSignIn.create(false, true, key, "messenger-dev", ttl, clock).isPresent());
    assertTrue(
        DevSignIn.create(true, true, key, "messenger-dev", ttl, clock).isEmpty(), "production");
    assertTrue(
        DevSignIn.create(false, false, key, "messenger-dev", ttl, clock).isEmpty(),
        "tokens verified with another key");
    assertTrue(
        DevSignIn.create(false, true, Optional.empty(), "messenger-dev", ttl, clock).isEmpty(),
        "no private key configured");
    assertTrue(
        DevSignIn.create(
                false,
                true,
                Optional.of(location(Path.of("no/such/key.pem"))),
                "messenger-dev",
                ttl,
                clock)
            .isEmpty(),
        "private key file missing");
  }
}
