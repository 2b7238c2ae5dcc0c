package dev.messenger.auth;

import dev.messenger.config.MessengerConfig;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Refuses to start a production deployment that verifies tokens with the development key pair,
 * whose private half is in the repository. Only the public key's fingerprint is known here.
 */
@Singleton
@Startup
public class DevKeyGuard {
  private static final Logger LOG = Logger.getLogger(DevKeyGuard.class.getName());

  /** SHA-256 of the DER form of dev/jwt/public-key.pem. */
  static final String DEV_KEY_SHA256 =
      "cc490ca93a9eedb2ed1913b9651beec9deb258f0de3b76d85160cc34995e466b";

  @Inject MessengerConfig config;
  @Inject Config mpConfig;

  /** What startup does about the verification key. */
  enum Decision {
    OK,
    WARN,
    REFUSE
  }

  private volatile boolean developmentKeyInUse;

  @PostConstruct
  void check() {
    Decision decision = decide(config.production(), configuredKeyPem());
    developmentKeyInUse = decision != Decision.OK;
    if (decision == Decision.OK) {
      return;
    }
    if (decision == Decision.REFUSE) {
      String message =
          "messenger.production=true but tokens would be verified with the DEVELOPMENT key "
              + "(its private half is public). Set mp.jwt.verify.publickey.location "
              + "(MP_JWT_VERIFY_PUBLICKEY_LOCATION) to your own key. Refusing to start.";
      LOG.severe(message);
      throw new IllegalStateException(message);
    }
    LOG.warning(
        "*** Development JWT key in use: anyone can mint tokens for it. Never expose this server. ***");
  }

  /** True when tokens are verified with the development key (whose private half is public). */
  public boolean developmentKeyInUse() {
    return developmentKeyInUse;
  }

  /** No configured key means MP JWT falls back to the bundled development key. */
  static Decision decide(boolean production, Optional<String> keyPem) {
    boolean devKey = keyPem.isEmpty() || DEV_KEY_SHA256.equals(fingerprint(keyPem.get()));
    if (!devKey) {
      return Decision.OK;
    }
    return production ? Decision.REFUSE : Decision.WARN;
  }

  private Optional<String> configuredKeyPem() {
    Optional<String> inline = mpConfig.getOptionalValue("mp.jwt.verify.publickey", String.class);
    if (inline.isPresent()) {
      return inline;
    }
    return mpConfig
        .getOptionalValue("mp.jwt.verify.publickey.location", String.class)
        .map(DevKeyGuard::read);
  }

  private static String read(String location) {
    try (InputStream in = new URL(location).openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException | IllegalArgumentException e) {
      // A key we cannot read is not the dev key; MP JWT itself will then refuse every token loudly.
      LOG.warning("Cannot read JWT public key at " + location + ": " + e.getMessage());
      return "";
    }
  }

  static String fingerprint(String pem) {
    String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (IllegalArgumentException | NoSuchAlgorithmException e) {
      return "";
    }
  }
}
