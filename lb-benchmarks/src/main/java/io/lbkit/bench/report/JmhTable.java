package io.lbkit.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Turns JMH JSON result files ({@code -rf json}) into the README's Markdown table: benchmark ×
 * implementation × N × threads × ns/op × B/op, with each row's time divided by lbkit's and by
 * the bare floor of its algorithm.
 *
 * <pre>
 * java -cp lb-benchmarks.jar io.lbkit.bench.report.JmhTable [--machine machine.txt] a.json...
 * </pre>
 *
 * <p>Rows that measure the same algorithm are the rows of one benchmark method at the same N and
 * thread count. The reference among them is the row labelled {@code lbkit} if there is one (the
 * like-for-like configuration), otherwise the fastest row whose label starts with {@code lbkit}
 * (several lbkit strategies answering one peer algorithm). B/op is JMH's {@code gc.alloc.rate.norm}, present only when run with
 * {@code -prof gc}.
 */
public final class JmhTable {

  /** One benchmark result: a benchmark at one parameter set and thread count. */
  record Row(String benchmark, String method, String label, int n, int threads, double ns,
      double error, double bytes) {}

  private JmhTable() {}

  public static void main(String[] args) throws IOException {
    List<Row> rows = new ArrayList<>();
    Path machine = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--machine")) {
        machine = Path.of(args[++i]);
      } else {
        rows.addAll(read(Files.readString(Path.of(args[i]), StandardCharsets.UTF_8)));
      }
    }
    if (rows.isEmpty()) {
      System.err.println("usage: JmhTable [--machine machine.txt] results.json...");
      System.exit(2);
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (machine != null) {
      for (String line : Files.readAllLines(machine, StandardCharsets.UTF_8)) {
        out.println("- " + line);
      }
      out.println();
    }
    out.print(format(rows));
  }

  /** The rows of one JMH JSON result file. */
  static List<Row> read(String json) {
    List<Row> rows = new ArrayList<>();
    for (Object o : (List<?>) Json.parse(json)) {
      Map<?, ?> result = (Map<?, ?>) o;
      String fqn = (String) result.get("benchmark");
      String[] parts = fqn.split("\\.");
      String method = parts[parts.length - 1];
      String benchmark = parts[parts.length - 2] + "." + method;
      Map<?, ?> params = result.get("params") instanceof Map<?, ?> p ? p : Map.of();
      StringJoiner label = new StringJoiner(",");
      int n = -1;
      for (Map.Entry<?, ?> e : params.entrySet()) {
        if (e.getKey().equals("N")) {
          n = Integer.parseInt((String) e.getValue());
        } else {
          label.add((String) e.getValue());
        }
      }
      Map<?, ?> primary = (Map<?, ?>) result.get("primaryMetric");
      String unit = (String) primary.get("scoreUnit");
      double scale = nanosPer(unit);
      double bytes = Double.NaN;
      if (result.get("secondaryMetrics") instanceof Map<?, ?> secondary) {
        for (Map.Entry<?, ?> e : secondary.entrySet()) {
          if (((String) e.getKey()).endsWith("gc.alloc.rate.norm")) {
            bytes = number(((Map<?, ?>) e.getValue()).get("score"));
          }
        }
      }
      rows.add(new Row(benchmark, method, label.length() == 0 ? "-" : label.toString(), n,
          ((Number) result.get("threads")).intValue(), number(primary.get("score")) * scale,
          number(primary.get("scoreError")) * scale, bytes));
    }
    return rows;
  }

  /** The Markdown table, rows grouped by benchmark, N and threads, fastest first. */
  static String format(List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparing(Row::benchmark)
        .thenComparingInt(Row::n)
        .thenComparingInt(Row::threads)
        .thenComparingDouble(Row::ns));
    StringBuilder sb = new StringBuilder();
    sb.append("| benchmark | implementation | N | threads | ns/op | ± | B/op | × lbkit | × floor |");
    sb.append('\n');
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : sorted) {
      Row ref = lbkitReference(sorted, r);
      Row floor = floor(sorted, r);
      sb.append("| ").append(r.benchmark())
          .append(" | ").append(r.label())
          .append(" | ").append(r.n() < 0 ? "-" : Integer.toString(r.n()))
          .append(" | ").append(r.threads())
          .append(" | ").append(fixed(r.ns()))
          .append(" | ").append(fixed(r.error()))
          .append(" | ").append(fixed(r.bytes()))
          .append(" | ").append(ref == null ? "" : ref == r ? "ref" : ratio(r.ns() / ref.ns()))
          .append(" | ").append(floor == null ? "" : ratio(r.ns() / floor.ns()))
          .append(" |\n");
    }
    return sb.toString();
  }

  /** The lbkit row this row is compared with (see the class comment), if any. */
  private static Row lbkitReference(List<Row> rows, Row r) {
    Row best = null;
    for (Row c : rows) {
      if (!c.benchmark().equals(r.benchmark()) || c.n() != r.n() || c.threads() != r.threads()) {
        continue;
      }
      if (c.label().equals("lbkit")) {
        return c;
      }
      if (c.label().startsWith("lbkit") && (best == null || c.ns() < best.ns())) {
        best = c;
      }
    }
    return best;
  }

  /**
   * The bare floor of the row's algorithm at the same N and threads, if it was measured: round
   * robin and random against their floors, least-loaded picks against the P2C floor. A peer
   * benchmark names its algorithm by method; the lbkit strategy benchmark by its parameter.
   */
  private static Row floor(List<Row> rows, Row r) {
    if (r.benchmark().startsWith("FloorBenchmark.")) {
      return null;
    }
    String algorithm = r.benchmark().startsWith("StrategyBenchmark.") ? r.label() : r.method();
    String floorMethod = switch (algorithm) {
      case "roundRobin" -> "roundRobinFloor";
      case "random" -> "randomFloor";
      case "leastLoaded", "powerOfTwoChoices", "leastConnections" -> "p2cFloor";
      default -> null;
    };
    if (floorMethod == null) {
      return null;
    }
    for (Row c : rows) {
      if (c.benchmark().equals("FloorBenchmark." + floorMethod) && c.n() == r.n()
          && c.threads() == r.threads()) {
        return c;
      }
    }
    return null;
  }

  private static double nanosPer(String unit) {
    return switch (unit) {
      case "ns/op" -> 1;
      case "us/op" -> 1e3;
      case "ms/op" -> 1e6;
      case "s/op" -> 1e9;
      default -> throw new IllegalArgumentException(
          "scoreUnit: " + unit + " (expected: a time per operation, run with -bm avgt)");
    };
  }

  /** JMH writes "NaN" as a string when one iteration gives no error estimate. */
  private static double number(Object o) {
    return o instanceof Number num ? num.doubleValue() : Double.NaN;
  }

  private static String fixed(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
  }

  private static String ratio(double v) {
    return String.format(Locale.ROOT, v >= 10 ? "%.0f×" : "%.2f×", v);
  }
}
