package io.lbkit.bench.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the result files: per scenario a Markdown page and its charts (p99 by variant; for
 * scenarios with an over-time chart, load share or attempt rate over time), {@code index.md}, and
 * the README's {@link Headline} chart when the run holds all it shows.
 */
final class ReportWriter {
  private ReportWriter() {}

  /** Writes everything under {@code dir} (created if needed); returns the page file names. */
  static List<String> write(Path dir, Map<Scenario, List<RunResult>> results, long seed) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    List<Scenario> scenarios = new ArrayList<>(results.keySet());
    List<String> pages = new ArrayList<>();
    for (Scenario s : scenarios) {
      List<RunResult> rs = results.get(s);
      List<String> charts = new ArrayList<>();
      String p99 = s.slug() + "-p99.svg";
      SimulatorMain.writeString(dir.resolve(p99), p99Chart(s, rs));
      charts.add(p99);
      if (s.stepTable() && s.workload().rateSteps().size() > 1) {
        String steps = s.slug() + "-p999-by-step.svg";
        SimulatorMain.writeString(dir.resolve(steps), stepChart(s, rs));
        charts.add(steps);
      }
      if (s.chart() != Scenario.Chart.NONE) {
        // one chart per tracker x policy, a line per strategy: all variants in one is unreadable
        for (Map.Entry<String, List<RunResult>> g : byTrackerAndPolicy(rs).entrySet()) {
          String over = s.slug() + "-over-time-" + g.getKey() + ".svg";
          SimulatorMain.writeString(dir.resolve(over), overTimeChart(s, g.getValue()));
          charts.add(over);
        }
      }
      String page = s.slug() + ".md";
      SimulatorMain.writeString(dir.resolve(page), Report.scenarioPage(s, rs, seed, charts));
      pages.add(page);
    }
    List<List<RunResult>> all = new ArrayList<>();
    scenarios.forEach(s -> all.add(results.get(s)));
    SimulatorMain.writeString(dir.resolve("index.md"), Report.index(scenarios, all, pages, seed));
    String headline = Headline.chart(results);
    if (headline != null) { // only a run with everything it shows rewrites the README's chart
      SimulatorMain.writeString(dir.resolve(Headline.FILE), headline);
    }
    return pages;
  }

  /** Results grouped by "tracker-policy", in first-seen order. */
  static Map<String, List<RunResult>> byTrackerAndPolicy(List<RunResult> rs) {
    Map<String, List<RunResult>> groups = new LinkedHashMap<>();
    for (RunResult r : rs) {
      String key = r.variant().trackerName() + "-" + r.variant().policy().name();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    return groups;
  }

  static String p99Chart(Scenario s, List<RunResult> rs) {
    List<String> labels = new ArrayList<>();
    double[] values = new double[rs.size()];
    for (int i = 0; i < rs.size(); i++) {
      labels.add(rs.get(i).variant().shortLabel());
      values[i] = rs.get(i).percentileMillis(0.99);
    }
    return Svg.barChart("Scenario " + s.number() + ": p99 latency by strategy", labels, values,
        "p99 latency (ms)");
  }

  /** p99.9 per rate step, a line per variant, each step's value drawn at its middle. */
  static String stepChart(Scenario s, List<RunResult> rs) {
    List<String> names = new ArrayList<>();
    List<double[]> series = new ArrayList<>();
    for (RunResult r : rs) {
      names.add(r.variant().shortLabel());
      double[] p = new double[r.steps()];
      for (int i = 0; i < p.length; i++) {
        p[i] = r.stepPercentileMillis(i, 0.999);
      }
      series.add(p);
    }
    double step = s.workload().rateSteps().get(1).atSeconds(); // steps of equal length
    return Svg.lineChart("Scenario " + s.number() + ": p99.9 latency per load step", "time (s); "
            + "the offered load steps every " + Report.num(step) + " s", "p99.9 latency (ms)",
        names, series, step, 0);
  }

  static String overTimeChart(Scenario s, List<RunResult> rs) {
    List<String> names = new ArrayList<>();
    List<double[]> series = new ArrayList<>();
    boolean share = s.chart() == Scenario.Chart.FOCUS_SHARE;
    boolean depth = s.chart() == Scenario.Chart.FOCUS_DEPTH;
    for (RunResult r : rs) {
      names.add(r.variant().strategyName());
      if (depth) {
        series.add(r.depthOverTime(s.focus().get(0)));
      } else if (share) {
        double[] f = r.shareOverTime(s.focus());
        for (int i = 0; i < f.length; i++) {
          f[i] *= 100;
        }
        series.add(f);
      } else {
        series.add(r.attemptRateOverTime());
      }
    }
    double bucket = rs.isEmpty() ? 1 : rs.get(0).bucketSeconds();
    String group = rs.isEmpty() ? "" : " (" + rs.get(0).variant().trackerName() + " tracker, "
        + rs.get(0).variant().policy().name() + ")";
    return Svg.lineChart("Scenario " + s.number() + ": " + s.focusLabel() + group, "time (s)",
        depth ? "calls (mean per 1 s)" : share ? "share of attempts (%)" : "attempts per second",
        names, series, bucket,
        0);
  }
}
