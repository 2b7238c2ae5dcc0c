package dev.messenger.auth;

import jakarta.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Signs development tokens (RS256, the same claims as {@code dev/MintToken.java}) so that a browser
 * page can sign in as any user on a development server. The JDK's {@code java.security} does the
 * signing: a JWT library for one fixed-shape token would be more code to trust, not less.
 */
public final class DevTokens {
  /** What a user id may look like: safe in URLs, logs and JSON without escaping. */
  public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  /** Safe to show to the client when a user id is refused. */
  public static final String USER_ID_RULE =
      "userId must be 1 to 64 characters, each a letter, digit, '.', '_', '@' or '-'";

  /** A signed token and how long it is valid. */
  public record Minted(String token, long expiresInMs) {}

  private final PrivateKey key;
  private final String issuer;
  private final Duration ttl;
  private final Clock clock;

  public DevTokens(PrivateKey key, String issuer, Duration ttl, Clock clock) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("token lifetime must be positive: " + ttl);
    }
    this.key = Objects.requireNonNull(key);
    this.issuer = Objects.requireNonNull(issuer);
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock);
  }

  public static boolean validUserId(String userId) {
    return userId != null && USER_ID.matcher(userId).matches();
  }

  /**
   * @throws IllegalArgumentException when the user id breaks {@link #USER_ID_RULE}
   */
  public Minted mint(String userId) {
    if (!validUserId(userId)) {
      throw new IllegalArgumentException(USER_ID_RULE);
    }
    long now = clock.millis() / 1000;
    long exp = now + ttl.toSeconds();
    String header =
        Json.createObjectBuilder().add("alg", "RS256").add("typ", "JWT").build().toString();
    String claims =
        Json.createObjectBuilder()
            .add("iss", issuer)
            .add("sub", userId)
            .add("upn", userId)
            .add("groups", Json.createArrayBuilder().add("user"))
            .add("iat", now)
            .add("exp", exp)
            .add("jti", UUID.randomUUID().toString())
            .build()
            .toString();
    String signingInput = base64Url(header) + "." + base64Url(claims);
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return new Minted(signingInput + "." + base64Url(rsa.sign()), ttl.toSeconds() * 1000);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a development token", e);
    }
  }

  /**
   * Reads a PKCS#8 PEM RSA private key ({@code -----BEGIN PRIVATE KEY-----}) from a URL such as
   * {@code file:/path/private-key.pem}.
   */
  public static PrivateKey readPrivateKey(String location) throws IOException {
    String pem;
    try (InputStream in = new URL(location).openStream()) {
      pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
    String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("not a PKCS#8 PEM RSA private key: " + location, e);
    }
  }

  private static String base64Url(String text) {
    return base64Url(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
