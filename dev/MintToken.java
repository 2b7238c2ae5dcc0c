/*
 * Mints a development JWT for the messenger gateway, signed with the development key pair in dev/jwt/.
 *
 *   java dev/MintToken.java alice                 # token for user "alice", valid 24 hours
 *   java dev/MintToken.java alice --ttl 600       # valid 10 minutes
 *   java dev/MintToken.java alice --key my.pem --issuer https://issuer.example
 *
 * Deliberately a single file with no dependencies, so it runs on a bare JDK 17 without a build: that is
 * why it signs with java.security and writes the (tiny, fixed-shape) JSON itself instead of using a JWT
 * library. The server refuses the development key when messenger.production=true.
 */
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

public class MintToken {
  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.println("usage: java dev/MintToken.java <user> [--ttl seconds] [--key private.pem] [--issuer iss]");
      System.exit(2);
    }
    String user = args[0];
    long ttl = 24 * 3600;
    Path keyFile = Path.of(System.getProperty("user.dir"), "dev", "jwt", "private-key.pem");
    String issuer = "messenger-dev";
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--ttl" -> ttl = Long.parseLong(args[i + 1]);
        case "--key" -> keyFile = Path.of(args[i + 1]);
        case "--issuer" -> issuer = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!Files.exists(keyFile)) {
      // Also works when run from dev/ itself.
      keyFile = Path.of("jwt", "private-key.pem");
    }
    long now = Instant.now().getEpochSecond();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    String claims =
        "{\"iss\":" + quote(issuer)
            + ",\"sub\":" + quote(user)
            + ",\"upn\":" + quote(user)
            + ",\"groups\":[\"user\"]"
            + ",\"iat\":" + now
            + ",\"exp\":" + (now + ttl)
            + ",\"jti\":" + quote(UUID.randomUUID().toString())
            + "}";
    String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(readKey(keyFile));
    rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    System.out.println(signingInput + "." + b64(rsa.sign()));
  }

  private static PrivateKey readKey(Path pem) throws Exception {
    String base64 = Files.readString(pem)
        .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "")
        .replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A JSON string literal: escapes quotes, backslashes and control characters. */
  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
