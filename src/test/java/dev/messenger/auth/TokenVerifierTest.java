package dev.messenger.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
  private static final String ISSUER = "messenger-dev";
  private static final KeyPair KEYS = rsa();
  private static final KeyPair OTHER_KEYS = rsa();

  private final TokenVerifier verifier =
      new TokenVerifier(
          (RSAPublicKey) KEYS.getPublic(), ISSUER, Set.of(), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aValidTokenGivesItsSubjectAndExpiry() throws Exception {
    TokenVerifier.Verified verified = verifier.verify(token(c -> c));
    assertEquals("alice", verified.subject());
    assertEquals(NOW.plus(Duration.ofMinutes(10)), verified.expiresAt());
  }

  @Test
  void anUnsignedTokenIsRefused() {
    String none =
        new PlainJWT(claims().build()).serialize(); // {"alg":"none"} with an empty signature
    assertRefused(none, "not a signed JWT");
  }

  @Test
  void aTokenSignedByAnotherKeyIsRefused() {
    assertRefused(sign(claims().build(), new RSASSASigner(OTHER_KEYS.getPrivate())), "signature");
  }

  @Test
  void aTamperedPayloadIsRefused() {
    String[] mine = token(c -> c).split("\\.");
    String[] other = token(c -> c.subject("mallory")).split("\\.");
    assertRefused(mine[0] + "." + other[1] + "." + mine[2], "signature");
  }

  @Test
  void hmacWithThePublicKeyAsSecretIsRefused() throws Exception {
    // The classic algorithm confusion: HS256 keyed with the (public) RSA key bytes.
    byte[] secret = KEYS.getPublic().getEncoded();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
    jwt.sign(new MACSigner(secret));
    assertRefused(jwt.serialize(), "RS256");
  }

  @Test
  void otherRsaAlgorithmsAreRefused() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS512), claims().build());
    jwt.sign(new RSASSASigner(KEYS.getPrivate()));
    assertRefused(jwt.serialize(), "RS256");
  }

  @Test
  void aWrongIssuerIsRefused() {
    assertRefused(token(c -> c.issuer("https://evil.example")), "issuer");
    assertRefused(token(c -> c.issuer(null)), "issuer");
  }

  @Test
  void anExpiredTokenIsRefused() {
    assertRefused(token(c -> c.expirationTime(Date.from(NOW.minusSeconds(1)))), "expired");
    assertRefused(token(c -> c.expirationTime(Date.from(NOW))), "expired");
  }

  @Test
  void aTokenWithoutExpiryOrSubjectIsRefused() {
    assertRefused(token(c -> c.expirationTime(null)), "no expiry");
    assertRefused(token(c -> c.subject(null)), "no subject");
    assertRefused(token(c -> c.subject(" ")), "no subject");
  }

  @Test
  void aTokenNotValidYetIsRefused() {
    assertRefused(token(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(60)))), "not valid yet");
  }

  @Test
  void audiencesAreCheckedOnlyWhenConfigured() throws Exception {
    TokenVerifier strict =
        new TokenVerifier(
            (RSAPublicKey) KEYS.getPublic(),
            ISSUER,
            Set.of("messenger"),
            Clock.fixed(NOW, ZoneOffset.UTC));
    assertEquals(
        "alice", strict.verify(token(c -> c.audience(List.of("x", "messenger")))).subject());
    TokenVerifier.InvalidToken e =
        assertThrows(TokenVerifier.InvalidToken.class, () -> strict.verify(token(c -> c)));
    assertTrue(e.getMessage().contains("audience"));
    assertEquals("alice", verifier.verify(token(c -> c.audience("anything"))).subject());
  }

  @Test
  void garbageIsRefused() {
    for (String garbage : List.of("", "abc", "a.b.c", "....", "eyJhbGciOiJSUzI1NiJ9.e30.")) {
      assertThrows(TokenVerifier.InvalidToken.class, () -> verifier.verify(garbage), garbage);
    }
  }

  @Test
  void keysParseFromPemJwkAndJwkSet() throws Exception {
    RSAPublicKey key = (RSAPublicKey) KEYS.getPublic();
    String base64 = Base64.getMimeEncoder().encodeToString(key.getEncoded());
    String pem = "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
    assertEquals(key, TokenVerifier.parseKey(pem));
    assertEquals(key, TokenVerifier.parseKey(base64));
    RSAKey jwk = new RSAKey.Builder(key).keyID("k1").build();
    assertEquals(key, TokenVerifier.parseKey(jwk.toJSONString()));
    assertEquals(key, TokenVerifier.parseKey(new JWKSet(jwk).toString()));
  }

  @Test
  void somethingThatIsNoKeyIsAClearError() {
    for (String bad : List.of("", "not a key", "{\"keys\":[]}", "-----BEGIN PUBLIC KEY-----x")) {
      assertThrows(IllegalArgumentException.class, () -> TokenVerifier.parseKey(bad), bad);
    }
  }

  @Test
  void theBundledDevelopmentKeyIsTheOneTheGuardKnows() {
    String pem = RefreshTokenVerifier.read(RefreshTokenVerifier.DEV_KEY_RESOURCE);
    assertEquals(DevKeyGuard.DEV_KEY_SHA256, DevKeyGuard.fingerprint(pem));
    TokenVerifier.parseKey(pem);
  }

  private void assertRefused(String token, String why) {
    TokenVerifier.InvalidToken e =
        assertThrows(TokenVerifier.InvalidToken.class, () -> verifier.verify(token));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("alice")
        .claim("groups", List.of("user"))
        .issueTime(Date.from(NOW.minusSeconds(5)))
        .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(10))));
  }

  private static String token(UnaryOperator<JWTClaimsSet.Builder> change) {
    return sign(change.apply(claims()).build(), new RSASSASigner(KEYS.getPrivate()));
  }

  private static String sign(JWTClaimsSet claims, JWSSigner signer) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
