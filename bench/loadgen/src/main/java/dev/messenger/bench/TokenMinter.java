package dev.messenger.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * RS256 tokens for the users of a run, the same claims as dev/MintToken.java. java.security is
 * enough for one fixed algorithm; a JWT library would add nothing here.
 */
final class TokenMinter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER =
      B64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final PrivateKey key;
  private final String issuer;
  private final Duration ttl;
  private final ThreadLocal<Signature> signatures;

  TokenMinter(PrivateKey key, String issuer, Duration ttl) {
    this.key = key;
    this.issuer = issuer;
    this.ttl = ttl;
    this.signatures =
        ThreadLocal.withInitial(
            () -> {
              try {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(this.key);
                return s;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
              }
            });
  }

  static PrivateKey readKey(Path pem) {
    try {
      String text = Files.readString(pem);
      if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
        throw new IllegalArgumentException(
            pem + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)");
      }
      String base64 =
          text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read the RSA private key " + pem + ": " + e, e);
    }
  }

  String mint(String user) {
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", issuer);
    claims.put("sub", user);
    claims.put("upn", user);
    claims.putArray("groups").add("user");
    claims.put("iat", now);
    claims.put("exp", now + ttl.toSeconds());
    claims.put("jti", UUID.randomUUID().toString());
    try {
      String input = HEADER + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
      Signature rsa = signatures.get();
      rsa.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(rsa.sign());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token for " + user, e);
    }
  }

  /** Signing costs ~1 ms per token: spread over the cores. */
  String[] mintAll(List<String> users) {
    return users.parallelStream().map(this::mint).toArray(String[]::new);
  }
}
