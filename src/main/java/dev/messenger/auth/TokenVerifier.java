package dev.messenger.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies a bearer token the way MicroProfile JWT does at the handshake, for tokens that arrive
 * later on an open socket ({@code refresh_token}): RS256 only, signed by the configured key, the
 * configured issuer, a subject, and an expiry in the future. Plain Java (Nimbus JOSE), so the same
 * WAR verifies identically on any server.
 */
public final class TokenVerifier {

  /** A token that passed every check. */
  public record Verified(String subject, Instant expiresAt) {}

  /** Why a token was refused; the message is safe to show to the client. */
  public static final class InvalidToken extends Exception {
    InvalidToken(String message) {
      super(message, null, false, false);
    }
  }

  private final RSASSAVerifier verifier;
  private final String issuer;
  private final Set<String> audiences;
  private final Clock clock;

  /**
   * @param audiences accepted {@code aud} values; empty means the claim is not checked (as MP JWT
   *     does without {@code mp.jwt.verify.audiences})
   */
  public TokenVerifier(RSAPublicKey key, String issuer, Set<String> audiences, Clock clock) {
    this.verifier = new RSASSAVerifier(Objects.requireNonNull(key, "key"));
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.audiences = Set.copyOf(audiences);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Verified verify(String token) throws InvalidToken {
    SignedJWT jwt;
    try {
      // SignedJWT.parse refuses unsigned ("alg": "none") and encrypted tokens outright.
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidToken("token is not a signed JWT");
    }
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new InvalidToken("token must be signed with RS256");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new InvalidToken("token signature is not valid");
      }
    } catch (JOSEException e) {
      throw new InvalidToken("token signature is not valid");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidToken("token claims are malformed");
    }
    if (!issuer.equals(claims.getIssuer())) {
      throw new InvalidToken("token issuer is not accepted");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new InvalidToken("token has no subject");
    }
    Instant now = clock.instant();
    Date expiry = claims.getExpirationTime();
    if (expiry == null) {
      throw new InvalidToken("token has no expiry");
    }
    if (!expiry.toInstant().isAfter(now)) {
      throw new InvalidToken("token has expired");
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && notBefore.toInstant().isAfter(now)) {
      throw new InvalidToken("token is not valid yet");
    }
    if (!audiences.isEmpty()) {
      List<String> aud = claims.getAudience();
      if (aud == null || aud.stream().noneMatch(audiences::contains)) {
        throw new InvalidToken("token audience is not accepted");
      }
    }
    return new Verified(subject, expiry.toInstant());
  }

  /**
   * An RSA public key in any form {@code mp.jwt.verify.publickey} accepts: PEM (with or without its
   * {@code BEGIN PUBLIC KEY} lines), a JWK, or a JWK set (its first RSA key).
   *
   * @throws IllegalArgumentException when the text holds no RSA public key
   */
  public static RSAPublicKey parseKey(String text) {
    String trimmed = Objects.requireNonNull(text, "key").trim();
    try {
      if (trimmed.startsWith("{")) {
        return jwkKey(trimmed);
      }
      String base64 =
          trimmed.replaceAll("-----(BEGIN|END) (RSA )?PUBLIC KEY-----", "").replaceAll("\\s", "");
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA")
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("not an RSA public key: " + e.getMessage(), e);
    }
  }

  private static RSAPublicKey jwkKey(String json) throws ParseException, JOSEException {
    List<JWK> keys =
        json.contains("\"keys\"") ? JWKSet.parse(json).getKeys() : List.of(JWK.parse(json));
    for (JWK key : keys) {
      if (KeyType.RSA.equals(key.getKeyType())) {
        return ((RSAKey) key).toRSAPublicKey();
      }
    }
    throw new IllegalArgumentException("the JWK set holds no RSA key");
  }
}
