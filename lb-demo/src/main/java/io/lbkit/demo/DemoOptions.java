package io.lbkit.demo;

import java.time.Duration;
import java.util.List;

/** The demo's command-line options, with embedded defaults so that it runs with none. */
public final class DemoOptions {
  static final String HELP = String.join("\n",
      "lbkit order-service demo: real HTTP servers on 127.0.0.1, an order service calling them",
      "through an lbkit LoadBalancer, faults injected on a timeline.",
      "",
      "Options (all optional):",
      "  --strategy NAME     peakEwma (default), or any no-argument factory of Strategies:",
      "                      roundRobin, random, leastConnections, powerOfTwoChoices, ...",
      "  --failover NAME     retry (default: retry(3)), failFast, hedged (delay 20 ms)",
      "  --duration SECONDS  total run time, 2..600 (default 40); faults scale with it",
      "  --servers N         inventory servers, 3..50 (default 5)",
      "  --clients N         order-service client threads, 1..64 (default 8)",
      "  --faults NAME       default (slow 10x, kill, 503 half the time, then recover; with the",
      "                      registry also a server joining, one leaving, ZooKeeper down) or none",
      "  --registry NAME     zookeeper (default: an embedded ZooKeeper the servers register in,",
      "                      discovered by the order service) or none (a fixed list of servers)",
      "  --latency-ms N      base service time of the fastest server, 1..1000 (default 5)",
      "  --max-orders N      stop after this many orders, 1..10000000 (default 1000000)",
      "  --quiet             no live table, only the summary",
      "  --help              this text");

  String strategy = "peakEwma";
  String failover = "retry";
  Duration duration = Duration.ofSeconds(40);
  int servers = 5;
  int clients = 8;
  String faults = "default";
  String registry = "zookeeper";
  long latencyMillis = 5;
  long maxOrders = 1_000_000;
  boolean quiet;
  boolean help;

  boolean usesRegistry() {
    return "zookeeper".equals(registry);
  }

  /** Parses command-line arguments; throws IllegalArgumentException naming a bad one. */
  public static DemoOptions parse(String... args) {
    DemoOptions o = new DemoOptions();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> o.help = true;
        case "--quiet" -> o.quiet = true;
        case "--strategy" -> o.strategy = strategy(a, value(args, ++i, a));
        case "--failover" -> o.failover = oneOf(a, value(args, ++i, a),
            List.of("retry", "failFast", "hedged"));
        case "--duration" -> o.duration = Duration.ofSeconds(number(a, value(args, ++i, a), 2, 600));
        case "--servers" -> o.servers = (int) number(a, value(args, ++i, a), 3, 50);
        case "--clients" -> o.clients = (int) number(a, value(args, ++i, a), 1, 64);
        case "--faults" -> o.faults = oneOf(a, value(args, ++i, a), List.of("default", "none"));
        case "--registry" -> o.registry = oneOf(a, value(args, ++i, a),
            List.of("zookeeper", "none"));
        case "--latency-ms" -> o.latencyMillis = number(a, value(args, ++i, a), 1, 1000);
        case "--max-orders" -> o.maxOrders = number(a, value(args, ++i, a), 1, 10_000_000);
        default -> throw new IllegalArgumentException(
            "option: " + a + " (expected: one of the options in --help)");
      }
    }
    return o;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + ": missing value (expected: a value after it)");
    }
    return args[i];
  }

  private static String strategy(String option, String value) {
    if (!NamedStrategies.exists(value)) {
      throw new IllegalArgumentException(option + ": " + value + " (expected: one of "
          + NamedStrategies.names() + ")");
    }
    return value;
  }

  private static String oneOf(String option, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(option + ": " + value + " (expected: one of " + allowed + ")");
    }
    return value;
  }

  private static long number(String option, String value, long min, long max) {
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": " + value + " (expected: a whole number)");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(option + ": " + n + " (expected: " + min + ".." + max + ")");
    }
    return n;
  }
}
