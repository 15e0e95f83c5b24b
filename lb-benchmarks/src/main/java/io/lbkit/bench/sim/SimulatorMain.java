package io.lbkit.bench.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the scenarios and writes Markdown tables and SVG charts.
 *
 * <pre>
 * java -cp lb-benchmarks/target/lb-benchmarks.jar io.lbkit.bench.sim.SimulatorMain
 *     [--out DIR] [--scenario N[,N...]] [--seed L] [--duration SECONDS] [--threads T]
 *     [--strategy NAME[,NAME...]] [--tracker NAME[,...]] [--policy NAME[,...]]
 * </pre>
 * Defaults: {@code docs/simulation} under the repository root (found from the working directory),
 * every scenario, seed {@value #DEFAULT_SEED}, each scenario's own duration, one thread per core,
 * each scenario's variants from {@link Catalog#plan} (the name filters keep only the named ones).
 * Prints each scenario's table and the wall time to standard output.
 */
public final class SimulatorMain {
  public static final long DEFAULT_SEED = 42;

  private SimulatorMain() {}

  public static void main(String[] args) {
    // Hundreds of runs would log every ejection at INFO; keep the console to the tables.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Path out = null;
    List<Scenario> scenarios = new ArrayList<>(Scenarios.all());
    long seed = DEFAULT_SEED;
    double duration = 0;
    int threads = Runtime.getRuntime().availableProcessors();
    List<String> strategies = null;
    List<String> trackers = null;
    List<String> policies = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println("options: --out DIR --scenario N[,N] --seed L --duration SECONDS "
            + "--threads T --strategy A[,B] --tracker A[,B] --policy A[,B]");
        return;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + ": missing value (expected: " + a + " VALUE)");
      }
      String v = args[++i];
      switch (a) {
        case "--out":
          out = Paths.get(v);
          break;
        case "--scenario":
          scenarios.clear();
          for (String n : v.split(",")) {
            scenarios.add(Scenarios.byNumber(Integer.parseInt(n.trim())));
          }
          break;
        case "--seed":
          seed = Long.parseLong(v);
          break;
        case "--duration":
          duration = Double.parseDouble(v);
          break;
        case "--threads":
          threads = Integer.parseInt(v);
          break;
        case "--strategy":
          strategies = List.of(v.split(","));
          break;
        case "--tracker":
          trackers = List.of(v.split(","));
          break;
        case "--policy":
          policies = List.of(v.split(","));
          break;
        default:
          throw new IllegalArgumentException("option: " + a + " (expected: --out, --scenario, "
              + "--seed, --duration, --threads, --strategy, --tracker or --policy)");
      }
    }
    if (duration > 0) {
      List<Scenario> sized = new ArrayList<>();
      for (Scenario s : scenarios) {
        sized.add(s.withDuration(duration));
      }
      scenarios = sized;
    }
    Path dir = out != null ? out : repositoryRoot().resolve("docs").resolve("simulation");
    long t0 = System.nanoTime();
    List<String> fs = strategies;
    List<String> ft = trackers;
    List<String> fp = policies;
    Map<Scenario, List<Variant>> planned = new java.util.LinkedHashMap<>();
    int runs = 0;
    for (Scenario s : scenarios) {
      List<Variant> variants = new ArrayList<>();
      for (Variant v : Catalog.variants(s)) {
        if ((fs == null || fs.contains(v.strategyName()))
            && (ft == null || ft.contains(v.trackerName()))
            && (fp == null || fp.contains(v.policy().name()))) {
          variants.add(v);
        }
      }
      if (variants.isEmpty()) {
        throw new IllegalArgumentException("variants: none left by the filters for " + s
            + " (expected: names from Catalog.plan, e.g. " + Catalog.variants(s).get(0).label()
            + ")");
      }
      runs += variants.size();
      planned.put(s, variants);
    }
    Map<Scenario, List<RunResult>> results =
        SimulationRunner.runAll(scenarios, planned::get, seed, threads);
    long events = 0;
    for (List<RunResult> rs : results.values()) {
      for (RunResult r : rs) {
        events += r.events();
      }
    }
    List<String> pages = ReportWriter.write(dir, results, seed);
    long wallMillis = (System.nanoTime() - t0) / 1_000_000;
    for (Map.Entry<Scenario, List<RunResult>> e : results.entrySet()) {
      System.out.println("## " + e.getKey().number() + ". " + e.getKey().title());
      System.out.println(Report.table(e.getValue()));
    }
    System.out.println("wrote " + pages.size() + " scenario pages to " + dir.toAbsolutePath()
        + "; " + results.size() + " scenarios, " + runs + " runs, "
        + events + " events, wall time " + wallMillis + " ms on " + threads + " threads");
  }

  /** The nearest directory upwards holding both pom.xml and lb-benchmarks, else the cwd. */
  static Path repositoryRoot() {
    Path cwd = Paths.get("").toAbsolutePath();
    for (Path p = cwd; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("lb-benchmarks"))) {
        return p;
      }
    }
    return cwd;
  }

  static void writeString(Path file, String content) {
    try {
      Files.write(file, content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
