package dev.messenger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenMinterTest {
  /** The development key pair of the repository: what the bench server verifies with. */
  private static final Path REPO = Path.of("../..").toAbsolutePath().normalize();

  @Test
  void tokensVerifyWithTheServersDevelopmentPublicKey() throws Exception {
    TokenMinter minter =
        new TokenMinter(
            TokenMinter.readKey(REPO.resolve("dev/jwt/private-key.pem")),
            "messenger-dev",
            Duration.ofHours(1));
    String[] tokens = minter.mintAll(List.of("alice", "bob"));
    for (int i = 0; i < 2; i++) {
      String[] parts = tokens[i].split("\\.");
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(publicKey(REPO.resolve("server-config/liberty/dev-jwt/public-key.pem")));
      rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      assertTrue(rsa.verify(Base64.getUrlDecoder().decode(parts[2])));
      JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
      assertEquals(i == 0 ? "alice" : "bob", claims.path("sub").asText());
      assertEquals("messenger-dev", claims.path("iss").asText());
      assertEquals("user", claims.path("groups").path(0).asText());
      assertEquals(3600, claims.path("exp").asLong() - claims.path("iat").asLong());
    }
  }

  @Test
  void aFileThatIsNotAPrivateKeyIsACleanError(@TempDir Path dir) throws Exception {
    Path notAKey = Files.writeString(dir.resolve("k.pem"), "hello");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TokenMinter.readKey(notAKey));
    assertTrue(e.getMessage().contains("PKCS#8"), e.getMessage());
  }

  private static PublicKey publicKey(Path pem) throws Exception {
    String base64 =
        Files.readString(pem)
            .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA")
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }
}
