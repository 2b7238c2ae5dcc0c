package dev.messenger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A second Open Liberty server that a test starts, kills and stops itself, for what the server
 * Arquillian manages cannot go through: a {@code kill -9} or a real {@code server stop}. It is laid
 * out from the installed runtime and the configuration of {@code messengerServer}, with its own
 * port and its own H2 file (under its own output folder), and runs the built WAR unchanged.
 */
final class OwnServer implements AutoCloseable {
  private static final Path WLP = Path.of("target/liberty/wlp").toAbsolutePath();
  private static final Path TEMPLATE = WLP.resolve("usr/servers/messengerServer");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Map<String, String> environment;
  private final Path dir;
  private Process process;

  private OwnServer(String name, int port, Map<String, String> environment) {
    this.name = name;
    this.port = port;
    this.environment = environment;
    this.dir = WLP.resolve("usr/servers").resolve(name);
  }

  /** Lays out a fresh server (its old data is deleted) that will listen on {@code port}. */
  static OwnServer create(String name, int port, Map<String, String> environment)
      throws IOException {
    OwnServer server = new OwnServer(name, port, environment);
    server.layOut();
    return server;
  }

  private void layOut() throws IOException {
    assertTrue(
        Files.isRegularFile(TEMPLATE.resolve("server.xml")),
        "run through mvn verify: liberty:create lays out " + TEMPLATE);
    deleteTree(dir);
    Files.createDirectories(dir.resolve("configDropins/overrides"));
    Files.createDirectories(dir.resolve("dropins"));
    Files.copy(TEMPLATE.resolve("server.xml"), dir.resolve("server.xml"));
    // The keystore password liberty:create generated: without a default keystore, MP JWT is not
    // applied and every token is refused with a Basic challenge.
    Files.copy(TEMPLATE.resolve("server.env"), dir.resolve("server.env"));
    copyTree(TEMPLATE.resolve("dev-jwt"), dir.resolve("dev-jwt"));
    copyTree(TEMPLATE.resolve("lib"), dir.resolve("lib"));
    Files.writeString(
        dir.resolve("configDropins/overrides/ports.xml"),
        "<server>\n"
            + "  <variable name=\"http.port\" value=\""
            + port
            + "\"/>\n"
            + "  <variable name=\"https.port\" value=\"-1\"/>\n"
            + "</server>\n");
    Files.copy(Path.of("target/messenger.war"), dir.resolve("dropins/messenger.war"));
  }

  URL base() {
    try {
      return URI.create("http://localhost:" + port + "/").toURL();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path messagesLog() {
    return dir.resolve("logs/messages.log");
  }

  /** Starts {@code server run} (which execs the JVM) and waits until the application is ready. */
  void start() throws Exception {
    assertTrue(process == null || !process.isAlive(), "already running");
    ProcessBuilder builder =
        new ProcessBuilder(WLP.resolve("bin/server").toString(), "run", name)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    Path.of("target", name + "-console.log").toFile()));
    builder.environment().putAll(environment);
    process = builder.start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail(
            name + " exited with " + process.exitValue() + "; see target/" + name + "-console.log");
      }
      if (ready()) {
        return;
      }
      Thread.sleep(200);
    }
    fail(name + " not ready within " + START_TIMEOUT);
  }

  private boolean ready() {
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(base().toURI().resolve("health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server's JVM: {@code server run} replaces its shell with it, so it is the child itself. */
  ProcessHandle jvm() {
    ProcessHandle handle = process.toHandle();
    Optional<String> command = handle.info().command();
    if (command.isPresent() && command.get().endsWith("java")) {
      return handle;
    }
    return handle
        .descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no JVM under " + handle.pid()));
  }

  /**
   * Writes the server JVM's threads to {@code target/<name>-threads-<n>.txt} (with the JDK's {@code
   * jcmd}, beside the {@code java} running the tests) and returns that path, for a test that found
   * the server stuck.
   */
  Path threadDump() throws IOException, InterruptedException {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Path out = Path.of("target", name + "-threads-" + System.nanoTime() + ".txt");
    Process jcmd =
        new ProcessBuilder(
                java.resolveSibling("jcmd").toString(), Long.toString(jvm().pid()), "Thread.print")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    jcmd.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  /** SIGKILL of the server JVM: no shutdown hook, no application stop, nothing flushed. */
  void kill() throws InterruptedException {
    ProcessHandle jvm = jvm();
    assertTrue(jvm.destroyForcibly(), "SIGKILL refused");
    jvm.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    process.waitFor(30, TimeUnit.SECONDS);
    assertEquals(137, process.exitValue(), "not killed by SIGKILL");
  }

  /**
   * Starts the documented graceful stop ({@code ops/stop-liberty-gracefully.sh}: a drain, then
   * {@code server stop}), without waiting for it.
   */
  Process beginStop() throws IOException {
    return new ProcessBuilder(
            Path.of("ops/stop-liberty-gracefully.sh").toAbsolutePath().toString(),
            WLP.toString(),
            name)
        .redirectErrorStream(true)
        .redirectOutput(
            ProcessBuilder.Redirect.appendTo(Path.of("target", name + "-console.log").toFile()))
        .start();
  }

  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Never leaves a server behind, whatever the test did. */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
