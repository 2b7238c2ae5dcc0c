package dev.messenger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Command line: {@code capacity}, {@code fanout}, {@code compare} and {@code gc-pauses}. Prints a
 * human summary, then one JSON line. Exit 0: the run passed; 1: it failed its thresholds; 2: bad
 * arguments or set-up.
 */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    subcommands = {
      LoadGenerator.Capacity.class,
      LoadGenerator.FanoutCommand.class,
      LoadGenerator.Compare.class,
      LoadGenerator.GcPausesCommand.class
    },
    description = "Load generator for the messenger gateway and the bare reference endpoint.")
public final class LoadGenerator implements Callable<Integer> {
  static final int FAILED = 1;
  static final int BAD_SETUP = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    // Later options win, so run.sh's GEN_ARGS can override the options it passes itself.
    return new CommandLine(new LoadGenerator())
        .setOverwrittenOptionsAllowed(true)
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                cmd.getErr().println("loadgen: " + e.getMessage());
                return BAD_SETUP;
              }
              throw e;
            });
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return BAD_SETUP;
  }

  @Command(
      name = "capacity",
      mixinStandardHelpOptions = true,
      description =
          "Connect N users (each joins its chat), hold, report connect and memory figures.")
  static final class Capacity implements Callable<Integer> {
    @Mixin BenchOptions options;

    @Option(
        names = "--hold-seconds",
        defaultValue = "10",
        description = "How long every connection is held open. Default: ${DEFAULT-VALUE}")
    int holdSeconds;

    @Override
    public Integer call() throws Exception {
      options.validate();
      if (holdSeconds < 0) {
        throw new IllegalArgumentException("--hold-seconds must be 0 or more, not " + holdSeconds);
      }
      return finish(
          new Scenario(Scenario.Mode.CAPACITY, options, holdSeconds, null).run(), options);
    }
  }

  @Command(
      name = "fanout",
      mixinStandardHelpOptions = true,
      description =
          "N users in groups of S, each sending R messages/s; report throughput, latency, loss.")
  static final class FanoutCommand implements Callable<Integer> {
    @Mixin BenchOptions options;

    @Option(
        names = "--rate",
        defaultValue = "0.5",
        description = "Messages per second per user. Default: ${DEFAULT-VALUE}")
    double rate;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Not measured.")
    int warmupSeconds;

    @Option(names = "--duration-seconds", defaultValue = "60", description = "Measured window.")
    int durationSeconds;

    @Option(
        names = "--drain-seconds",
        defaultValue = "15",
        description =
            "Longest wait for late answers after sending stops. Default: ${DEFAULT-VALUE}")
    int drainSeconds;

    @Option(names = "--content-length", defaultValue = "32", description = "Message characters.")
    int contentLength;

    @Option(
        names = "--max-loss-ratio",
        defaultValue = "0",
        description = "Exit 1 above this share of lost deliveries or unanswered sends.")
    double maxLossRatio;

    @Option(
        names = "--max-error-ratio",
        defaultValue = "0.01",
        description = "Exit 1 above this share of error events per send. Default: ${DEFAULT-VALUE}")
    double maxErrorRatio;

    @Override
    public Integer call() throws Exception {
      options.validate();
      Scenario.Fanout fanout = settings();
      return finish(new Scenario(Scenario.Mode.FANOUT, options, 0, fanout).run(), options);
    }

    Scenario.Fanout settings() {
      BenchOptions.requirePositive(rate, "--rate");
      BenchOptions.requirePositive(durationSeconds, "--duration-seconds");
      if (warmupSeconds < 0 || drainSeconds < 0 || contentLength < 1) {
        throw new IllegalArgumentException(
            "--warmup-seconds and --drain-seconds must be 0 or more, --content-length 1 or more");
      }
      if (options.groupSize < 2) {
        throw new IllegalArgumentException(
            "--group-size must be at least 2 for fanout: a message needs a receiver");
      }
      BenchOptions.requireRatio(maxLossRatio, "--max-loss-ratio");
      BenchOptions.requireRatio(maxErrorRatio, "--max-error-ratio");
      return new Scenario.Fanout(
          rate,
          warmupSeconds,
          durationSeconds,
          drainSeconds,
          contentLength,
          maxLossRatio,
          maxErrorRatio);
    }
  }

  @Command(
      name = "compare",
      mixinStandardHelpOptions = true,
      description =
          "Ratios of a product run's figures over a bare run's (JSON files from --json-out).")
  static final class Compare implements Callable<Integer> {
    @Parameters(index = "0", description = "The product run's JSON.")
    Path product;

    @Parameters(index = "1", description = "The bare run's JSON.")
    Path bare;

    @Override
    public Integer call() throws IOException {
      JsonNode p = readResult(product);
      JsonNode b = readResult(bare);
      ObjectNode out = Comparison.of(p, b);
      System.out.println(Comparison.summary(out));
      System.out.println(out);
      return 0;
    }
  }

  @Command(
      name = "gc-pauses",
      mixinStandardHelpOptions = true,
      description =
          "The young GC pauses of a run, from the server's -Xlog:gc log: those after the last full"
              + " collection (the generator's last heap probe).")
  static final class GcPausesCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The server's GC log.")
    Path log;

    @Override
    public Integer call() {
      List<String> lines;
      try {
        lines = Files.readAllLines(log);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + log + ": " + e.getMessage());
      }
      System.out.println(GcPauses.fromLog(lines).summary());
      return 0;
    }
  }

  static JsonNode readResult(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith("{")) {
          return JSON.readTree(lines.get(i));
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    throw new IllegalArgumentException(file + " holds no JSON result line");
  }

  private static int finish(Result result, BenchOptions options) throws IOException {
    PrintStream out = System.out;
    out.print(Summary.of(result.report()));
    String line = JSON.writeValueAsString(result.report());
    out.println(line);
    if (options.jsonOut != null) {
      Files.writeString(options.jsonOut, line + System.lineSeparator());
    }
    return result.passed() ? 0 : FAILED;
  }
}
