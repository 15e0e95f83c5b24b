package io.lbkit.bench.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The README's headline chart, {@value #FILE}: p99 latency (bars, log scale) and success rate
 * (printed at each bar's end) under each fault scenario of round robin without health tracking
 * (lbkit's load tracker only: what a plain client-side balancer does) and of four strategies with
 * the health tracker, every one with fail-fast calls (no retry masks anything). Written by {@link
 * ReportWriter} only when a run holds every scenario and variant it shows, so a filtered run never
 * overwrites it with a partial chart.
 */
final class Headline {
  static final String FILE = "headline.svg";
  static final String POLICY = "failFast";
  /** Scenario numbers with their short labels, in chart order. */
  static final List<Map.Entry<Integer, String>> SCENARIOS = List.of(
      Map.entry(2, "2: one server 10x slower"), Map.entry(3, "3: one server dead"),
      Map.entry(4, "4: one server 50% errors"), Map.entry(5, "5: one server flapping"),
      Map.entry(6, "6: all down, recovery"), Map.entry(7, "7: scale-out 5 to 20"),
      Map.entry(11, "11: local zone brown-out"));
  /** The series: strategy, tracker and legend label. */
  static final List<String[]> SERIES = List.of(
      new String[] {"roundRobin", "load", "roundRobin, no health tracking"},
      new String[] {"roundRobin", "health", "roundRobin"},
      new String[] {"powerOfTwoChoices", "health", "powerOfTwoChoices"},
      new String[] {"peakEwma", "health", "peakEwma"},
      new String[] {"zoneAware", "health", "zoneAware"});

  private Headline() {}

  /** The chart, or null when {@code results} lack a scenario or variant it shows. */
  static String chart(Map<Scenario, List<RunResult>> results) {
    List<String> groups = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    SERIES.forEach(x -> labels.add(x[2]));
    double[][] p99 = new double[SCENARIOS.size()][SERIES.size()];
    String[][] notes = new String[SCENARIOS.size()][SERIES.size()];
    for (int g = 0; g < SCENARIOS.size(); g++) {
      List<RunResult> rs = byNumber(results, SCENARIOS.get(g).getKey());
      if (rs == null) {
        return null;
      }
      groups.add(SCENARIOS.get(g).getValue());
      for (int k = 0; k < SERIES.size(); k++) {
        RunResult r = find(rs, SERIES.get(k)[0], SERIES.get(k)[1]);
        if (r == null) {
          return null;
        }
        p99[g][k] = r.percentileMillis(0.99);
        notes[g][k] = Report.fixed(r.successRate() * 100, 2) + "% ok";
      }
    }
    return Svg.groupedLogBars("p99 latency and success under faults (health tracker unless "
        + "marked, " + POLICY + ")", "p99 latency per request (ms, log scale); % ok: requests "
        + "that succeeded", groups, labels, p99, notes);
  }

  private static List<RunResult> byNumber(Map<Scenario, List<RunResult>> results, int number) {
    for (Map.Entry<Scenario, List<RunResult>> e : results.entrySet()) {
      if (e.getKey().number() == number) {
        return e.getValue();
      }
    }
    return null;
  }

  private static RunResult find(List<RunResult> rs, String strategy, String tracker) {
    for (RunResult r : rs) {
      Variant v = r.variant();
      if (v.strategyName().equals(strategy) && v.trackerName().equals(tracker)
          && v.policy().name().equals(POLICY)) {
        return r;
      }
    }
    return null;
  }
}
