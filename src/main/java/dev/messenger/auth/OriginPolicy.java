package dev.messenger.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which browser origins may open the socket (against cross-site WebSocket hijacking: a browser
 * sends a ticket or cookie from any page, but always says which page in {@code Origin}). Requests
 * without an {@code Origin} header come from non-browser clients and pass; with no configured
 * origins only the server's own origin passes.
 */
public final class OriginPolicy {
  private final Set<String> allowed;

  /**
   * @param allowedOrigins comma-separated origins such as {@code https://chat.example.com}; blank
   *     means same origin only
   * @throws IllegalArgumentException for an entry that is not an http(s) origin
   */
  public OriginPolicy(String allowedOrigins) {
    Set<String> origins = new LinkedHashSet<>();
    if (allowedOrigins != null) {
      for (String entry : allowedOrigins.split(",")) {
        if (entry.isBlank()) {
          continue;
        }
        origins.add(
            normalize(entry.strip())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "messenger.websocket.allowed-origins: not an origin"
                                + " (scheme://host[:port]): "
                                + entry.strip())));
      }
    }
    this.allowed = Set.copyOf(origins);
  }

  /**
   * @param origin the request's {@code Origin} header, null when absent
   * @param scheme the scheme the request arrived with ({@code http} or {@code https})
   * @param host the request's {@code Host} header ({@code host[:port]})
   */
  public boolean allows(String origin, String scheme, String host) {
    if (origin == null) {
      return true;
    }
    Optional<String> normalized = normalize(origin.strip());
    if (normalized.isEmpty()) {
      return false; // includes the opaque origin "null" of sandboxed frames and file: pages
    }
    if (allowed.contains(normalized.get())) {
      return true;
    }
    return host != null
        && scheme != null
        && normalize(scheme + "://" + host.strip()).equals(normalized);
  }

  /** The configured origins in normalized form (for logs and tests). */
  public Set<String> allowed() {
    return allowed;
  }

  /**
   * {@code scheme://host:port} in lower case with the port always present, or empty when the text
   * is not exactly an http(s) origin (no path, query, fragment or user info).
   */
  static Optional<String> normalize(String origin) {
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    int defaultPort;
    if ("http".equals(scheme)) {
      defaultPort = 80;
    } else if ("https".equals(scheme)) {
      defaultPort = 443;
    } else {
      return Optional.empty();
    }
    if (uri.getHost() == null
        || uri.getRawUserInfo() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return Optional.empty();
    }
    int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
    return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
  }
}
