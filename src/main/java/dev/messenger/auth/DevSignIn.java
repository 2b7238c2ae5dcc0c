package dev.messenger.auth;

import dev.messenger.config.MessengerConfig;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Whether this server signs development tokens ({@code POST /api/dev/tokens}): only when it
 * verifies tokens with the development public key, is not in production, and its configuration
 * points at the development private key. A production server has its own key and no such file, so
 * the endpoint answers 404 there.
 */
@ApplicationScoped
public class DevSignIn {
  private static final Logger LOG = Logger.getLogger(DevSignIn.class.getName());

  @Inject MessengerConfig config;
  @EJB DevKeyGuard guard;

  private Optional<DevTokens> tokens = Optional.empty();

  public DevSignIn() {}

  DevSignIn(Optional<DevTokens> tokens) {
    this.tokens = tokens;
  }

  @PostConstruct
  void init() {
    tokens =
        create(
            config.production(),
            guard.developmentKeyInUse(),
            config.devPrivateKeyLocation(),
            config.jwtIssuer(),
            config.devTokenTtl(),
            Clock.systemUTC());
  }

  /** Decides at start-up, so the warning is in the log before anyone signs in. */
  void atStartup(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    tokens();
  }

  /** The signer, or empty when this server must not issue development tokens. */
  public Optional<DevTokens> tokens() {
    return tokens;
  }

  static Optional<DevTokens> create(
      boolean production,
      boolean developmentKeyInUse,
      Optional<String> privateKeyLocation,
      String issuer,
      Duration ttl,
      Clock clock) {
    if (production || !developmentKeyInUse || privateKeyLocation.isEmpty()) {
      return Optional.empty();
    }
    try {
      DevTokens signer =
          new DevTokens(DevTokens.readPrivateKey(privateKeyLocation.get()), issuer, ttl, clock);
      LOG.warning(
          "*** POST /api/dev/tokens is open: anyone can sign in as any user. Development only. ***");
      return Optional.of(signer);
    } catch (IOException e) {
      LOG.warning(
          "POST /api/dev/tokens is off: cannot read the development private key at "
              + privateKeyLocation.get()
              + ": "
              + e.getMessage());
      return Optional.empty();
    }
  }
}
