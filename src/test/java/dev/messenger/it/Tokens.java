package dev.messenger.it;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Tokens signed at test time with the development key the test server trusts, and forged ones. */
public final class Tokens {
  static final String ISSUER = "messenger-dev";
  private static final PrivateKey DEV_KEY =
      load(Path.of(System.getProperty("messenger.dev.private.key")));

  private Tokens() {}

  public static String valid(String user) {
    return sign(claims(user, ISSUER, Duration.ofHours(1)).build(), DEV_KEY);
  }

  public static String validFor(String user, Duration ttl) {
    return sign(claims(user, ISSUER, ttl).build(), DEV_KEY);
  }

  public static String expired(String user) {
    Instant past = Instant.now().minus(Duration.ofHours(2));
    return sign(
        claims(user, ISSUER, Duration.ofHours(1))
            .issueTime(Date.from(past))
            .expirationTime(Date.from(past.plus(Duration.ofHours(1))))
            .build(),
        DEV_KEY);
  }

  public static String wrongIssuer(String user) {
    return sign(claims(user, "https://evil.example", Duration.ofHours(1)).build(), DEV_KEY);
  }

  public static String withoutGroups(String user) {
    return sign(claims(user, ISSUER, Duration.ofHours(1)).claim("groups", null).build(), DEV_KEY);
  }

  public static String signedByAnotherKey(String user) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return sign(
        claims(user, ISSUER, Duration.ofHours(1)).build(),
        generator.generateKeyPair().getPrivate());
  }

  public static String algNone(String user) {
    return new PlainJWT(claims(user, ISSUER, Duration.ofHours(1)).build()).serialize();
  }

  /** A validly signed token whose payload was then swapped for another user's. */
  public static String tamperedPayload(String user, String otherUser) {
    String[] parts = valid(user).split("\\.");
    String[] other = valid(otherUser).split("\\.");
    return parts[0] + "." + other[1] + "." + parts[2];
  }

  private static JWTClaimsSet.Builder claims(String user, String issuer, Duration ttl) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(user)
        .claim("upn", user)
        .claim("groups", List.of("user"))
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)));
  }

  private static String sign(JWTClaimsSet claims, PrivateKey key) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static PrivateKey load(Path pem) {
    try {
      String base64 =
          Files.readString(pem)
              .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "")
              .replaceAll("\\s", "");
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the development key " + pem, e);
    }
  }
}
