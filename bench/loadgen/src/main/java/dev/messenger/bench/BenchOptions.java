package dev.messenger.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by the capacity and fan-out modes. */
final class BenchOptions {
  @Option(
      names = "--target",
      defaultValue = "product",
      description =
          "product (the messenger) or bare (the reference endpoint). Default: ${DEFAULT-VALUE}")
  String target;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:9180",
      description = "Base URL of the server (loopback only). Default: ${DEFAULT-VALUE}")
  String url;

  @Option(names = "--users", defaultValue = "100", description = "Users, one connection each.")
  int users;

  @Option(
      names = "--group-size",
      defaultValue = "10",
      description = "Members per chat (product) or room (bare). Default: ${DEFAULT-VALUE}")
  int groupSize;

  @Option(
      names = "--source-addresses",
      defaultValue = "127.0.0.1-4",
      description =
          "Loopback addresses the client sockets bind to, round robin: a list such as"
              + " 127.0.0.1,127.0.0.2 or a range 127.0.0.1-8 (about 28k connections each)."
              + " Default: ${DEFAULT-VALUE}")
  String sourceAddresses;

  @Option(
      names = "--key",
      description =
          "PKCS#8 PEM private key that signs the tokens. Default: dev/jwt/private-key.pem")
  Path key;

  @Option(names = "--issuer", defaultValue = "messenger-dev", description = "Token issuer.")
  String issuer;

  @Option(names = "--threads", defaultValue = "2", description = "Client event-loop threads.")
  int threads;

  @Option(
      names = "--connect-concurrency",
      defaultValue = "200",
      description = "Handshakes in flight at once. Default: ${DEFAULT-VALUE}")
  int connectConcurrency;

  @Option(
      names = "--timeout-seconds",
      defaultValue = "20",
      description = "Limit for each of TCP connect, handshake and join. Default: ${DEFAULT-VALUE}")
  int timeoutSeconds;

  @Option(names = "--server-pid", description = "Server JVM to measure (RSS, heap, CPU).")
  Long serverPid;

  @Option(names = "--server-pid-file", description = "File holding the server JVM's pid.")
  Path serverPidFile;

  @Option(
      names = "--heap",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Measure the live heap (a full GC through jcmd at each probe). Default: on")
  boolean heap;

  @Option(
      names = "--max-connect-failure-ratio",
      defaultValue = "0.01",
      description = "Exit 1 when more connections fail or drop. Default: ${DEFAULT-VALUE}")
  double maxConnectFailureRatio;

  @Option(names = "--json-out", description = "Also write the JSON result line to this file.")
  Path jsonOut;

  @Option(names = "--label", defaultValue = "", description = "Free text copied into the result.")
  String label;

  Target parsedTarget() {
    return switch (target.toLowerCase()) {
      case "product" -> Target.PRODUCT;
      case "bare" -> Target.BARE;
      default ->
          throw new IllegalArgumentException(
              "--target must be product or bare, not '" + target + "'");
    };
  }

  /** Load is only ever sent to this machine: the URL must name a loopback address. */
  URI parsedUrl() {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--url is not a URL: " + url);
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException(
          "--url must be http://host:port, e.g. http://127.0.0.1:9180, not '" + url + "'");
    }
    requireLoopback(uri.getHost(), "--url");
    return uri;
  }

  List<InetAddress> parsedSourceAddresses() {
    return parseSourceAddresses(sourceAddresses);
  }

  static List<InetAddress> parseSourceAddresses(String spec) {
    List<InetAddress> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String item = part.trim();
      int dash = item.indexOf('-');
      if (dash < 0) {
        out.add(requireLoopback(item, "--source-addresses"));
        continue;
      }
      String first = item.substring(0, dash);
      int lastDot = first.lastIndexOf('.');
      int from;
      int to;
      try {
        from = Integer.parseInt(first.substring(lastDot + 1));
        to = Integer.parseInt(item.substring(dash + 1));
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        throw new IllegalArgumentException(
            "--source-addresses: '" + item + "' is not a range such as 127.0.0.1-8");
      }
      if (lastDot < 0 || from > to || to > 254) {
        throw new IllegalArgumentException(
            "--source-addresses: '" + item + "' is not a range such as 127.0.0.1-8");
      }
      for (int i = from; i <= to; i++) {
        out.add(requireLoopback(first.substring(0, lastDot + 1) + i, "--source-addresses"));
      }
    }
    return out;
  }

  private static InetAddress requireLoopback(String host, String option) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(option + ": unknown host '" + host + "'");
    }
    if (!address.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          option + ": " + host + " is not a loopback address; load goes to this machine only");
    }
    return address;
  }

  /** --key, or dev/jwt/private-key.pem found from the working directory upwards. */
  Path keyFile() {
    if (key != null) {
      if (!Files.isReadable(key)) {
        throw new IllegalArgumentException("--key: cannot read " + key);
      }
      return key;
    }
    Path dir = Path.of("").toAbsolutePath();
    for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
      Path candidate = dir.resolve("dev/jwt/private-key.pem");
      if (Files.isReadable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "no --key given and dev/jwt/private-key.pem is not in this directory or above");
  }

  Long pid() {
    if (serverPid != null) {
      return serverPid;
    }
    if (serverPidFile == null) {
      return null;
    }
    try {
      return Long.parseLong(Files.readString(serverPidFile).trim());
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "--server-pid-file: no pid in " + serverPidFile + " (" + e.getMessage() + ")");
    }
  }

  void validate() {
    parsedTarget();
    parsedUrl();
    parsedSourceAddresses();
    requirePositive(users, "--users");
    requirePositive(groupSize, "--group-size");
    requirePositive(threads, "--threads");
    requirePositive(connectConcurrency, "--connect-concurrency");
    requirePositive(timeoutSeconds, "--timeout-seconds");
    requireRatio(maxConnectFailureRatio, "--max-connect-failure-ratio");
  }

  static void requirePositive(double value, String option) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(option + " must be greater than 0, not " + value);
    }
  }

  static void requireRatio(double value, String option) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(option + " must be between 0 and 1, not " + value);
    }
  }
}
