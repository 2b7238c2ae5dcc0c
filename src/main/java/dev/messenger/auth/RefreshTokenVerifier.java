package dev.messenger.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * The {@link TokenVerifier} for {@code refresh_token}, configured from the same MicroProfile Config
 * keys as MP JWT ({@code mp.jwt.verify.publickey}, {@code mp.jwt.verify.publickey.location}, {@code
 * mp.jwt.verify.issuer}, {@code mp.jwt.verify.audiences}), so a token the handshake would accept is
 * accepted here and no other. Without a configured key it uses the development key, as the server's
 * own default does (and {@link DevKeyGuard} refuses that in production).
 */
@ApplicationScoped
public class RefreshTokenVerifier {
  private static final Logger LOG = Logger.getLogger(RefreshTokenVerifier.class.getName());

  /** A copy of dev/jwt/public-key.pem; a unit test keeps it equal to {@link DevKeyGuard}'s. */
  static final String DEV_KEY_RESOURCE = "dev/messenger/auth/dev-public-key.pem";

  @Inject Config mpConfig;

  private volatile TokenVerifier verifier;

  public TokenVerifier.Verified verify(String token) throws TokenVerifier.InvalidToken {
    return verifier().verify(token);
  }

  private TokenVerifier verifier() {
    TokenVerifier current = verifier;
    if (current == null) {
      synchronized (this) {
        if (verifier == null) {
          verifier = create();
        }
        current = verifier;
      }
    }
    return current;
  }

  private TokenVerifier create() {
    Optional<String> inline = mpConfig.getOptionalValue("mp.jwt.verify.publickey", String.class);
    Optional<String> location =
        mpConfig.getOptionalValue("mp.jwt.verify.publickey.location", String.class);
    String key;
    if (inline.isPresent()) {
      key = inline.get();
      LOG.info("refresh_token verifies with the key in mp.jwt.verify.publickey");
    } else if (location.isPresent()) {
      key = read(location.get());
      LOG.info("refresh_token verifies with the key at " + location.get());
    } else {
      key = read(DEV_KEY_RESOURCE);
      LOG.info("refresh_token verifies with the development key (no key configured)");
    }
    String issuer = mpConfig.getValue("mp.jwt.verify.issuer", String.class);
    return new TokenVerifier(TokenVerifier.parseKey(key), issuer, audiences(), Clock.systemUTC());
  }

  private Set<String> audiences() {
    return mpConfig
        .getOptionalValue("mp.jwt.verify.audiences", String.class)
        .map(
            list ->
                Arrays.stream(list.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .collect(Collectors.toSet()))
        .orElse(Set.of());
  }

  /** A URL ({@code file:}, {@code https:}, …) or, as MP JWT allows, a path on the class path. */
  static String read(String location) {
    try (InputStream in = open(location)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the JWT public key at " + location, e);
    }
  }

  private static InputStream open(String location) throws IOException {
    URI uri = URI.create(location);
    if (uri.getScheme() != null && uri.getScheme().length() > 1) {
      return uri.toURL().openStream();
    }
    String path = location.startsWith("/") ? location.substring(1) : location;
    InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path);
    if (in == null) {
      in = RefreshTokenVerifier.class.getClassLoader().getResourceAsStream(path);
    }
    if (in == null) {
      throw new IOException("not on the class path: " + location);
    }
    return in;
  }
}
