package io.lbkit.bench.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders results as Markdown: one table per scenario, a page per scenario and an index. Output
 * depends only on the results (no dates, no wall times), so a rerun with the same seed writes
 * byte-identical files.
 */
public final class Report {
  /** Above this many servers the share column shows min and max instead of every server. */
  static final int MAX_LISTED_SHARES = 10;

  private Report() {}

  /** A number without trailing zeros: 3, 2.5, 0.33. */
  public static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** The results table of one scenario, one row per variant, in the given order. */
  public static String table(List<RunResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| strategy | tracker | policy | p50 ms | p99 ms | p99.9 ms | success % | failed "
        + "| attempts/req | max/mean | share per server % | ejections |\n");
    sb.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|\n");
    for (RunResult r : results) {
      Variant v = r.variant();
      sb.append("| ").append(v.strategyName())
          .append(" | ").append(v.trackerName())
          .append(" | ").append(v.policy().name())
          .append(" | ").append(fixed(r.percentileMillis(0.50), 1))
          .append(" | ").append(fixed(r.percentileMillis(0.99), 1))
          .append(" | ").append(fixed(r.percentileMillis(0.999), 1))
          .append(" | ").append(fixed(r.successRate() * 100, 3))
          .append(" | ").append(r.failures())
          .append(" | ").append(fixed(r.attemptsPerRequest(), 3))
          .append(" | ").append(fixed(r.maxOverMean(), 2))
          .append(" | ").append(shares(r))
          .append(" | ").append(r.ejections())
          .append(" |\n");
    }
    return sb.toString();
  }

  static String shares(RunResult r) {
    int n = r.scenario().servers().size();
    if (n <= MAX_LISTED_SHARES) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < n; i++) {
        sb.append(i == 0 ? "" : " · ").append(fixed(r.share(i) * 100, 1));
      }
      return sb.toString();
    }
    double min = 1;
    double max = 0;
    for (int i = 0; i < n; i++) {
      if (r.everMember(i)) {
        min = Math.min(min, r.share(i));
        max = Math.max(max, r.share(i));
      }
    }
    return n + " servers: min " + fixed(min * 100, 1) + " · max " + fixed(max * 100, 1);
  }

  /** The page of one scenario: what it is, its table, its charts. */
  public static String scenarioPage(Scenario s, List<RunResult> results, long seed,
      List<String> charts) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Scenario ").append(s.number()).append(": ").append(s.title()).append("\n\n");
    sb.append(s.description()).append("\n\n");
    sb.append("- Virtual duration: ").append(num(s.durationSeconds())).append(" s; workload: ")
        .append(s.workload()).append("; seed ").append(seed).append(".\n");
    sb.append("- Servers: ").append(servers(s.servers())).append(".\n");
    if (!s.changes().isEmpty()) {
      sb.append("- Timeline: ");
      for (int i = 0; i < s.changes().size(); i++) {
        Scenario.ServerChange c = s.changes().get(i);
        sb.append(i == 0 ? "" : "; ").append(num(c.atSeconds())).append(" s ")
            .append(s.servers().get(c.server()).id()).append(" ").append(c.condition());
      }
      sb.append(".\n");
    }
    for (Scenario.PoolChange c : s.poolChanges()) {
      sb.append("- At ").append(num(c.atSeconds())).append(" s the pool becomes ")
          .append(c.members().size()).append(" servers.\n");
    }
    sb.append("\nLatency is per logical request (all attempts, success or not), exact "
        + "nearest-rank percentiles; share is of attempts; max/mean is the busiest server's "
        + "attempts over the mean of the servers ever in the pool.\n\n");
    sb.append(table(results)).append('\n');
    for (String chart : charts) {
      sb.append("![").append(chart).append("](").append(chart).append(")\n\n");
    }
    return sb.toString();
  }

  /** Runs of servers with the same traits, e.g. "s1-s5 lognormal(20 ms), capacity 8". */
  static String servers(List<ServerSpec> specs) {
    StringBuilder sb = new StringBuilder();
    int from = 0;
    for (int i = 1; i <= specs.size(); i++) {
      if (i < specs.size() && sameTraits(specs.get(from), specs.get(i))) {
        continue;
      }
      ServerSpec a = specs.get(from);
      sb.append(from == 0 ? "" : "; ").append(a.id());
      if (i - 1 > from) {
        sb.append("–").append(specs.get(i - 1).id());
      }
      sb.append(' ').append(a.service()).append(", capacity ").append(a.capacity())
          .append(", queue ").append(a.queueLimit());
      if (a.warmupFactor() > 1) {
        sb.append(", cold start x").append(num(a.warmupFactor())).append(" easing off over ")
            .append(num(a.warmupMillis() / 1000.0)).append(" s");
      }
      from = i;
    }
    return sb.toString();
  }

  private static boolean sameTraits(ServerSpec a, ServerSpec b) {
    return a.service().equals(b.service()) && a.capacity() == b.capacity()
        && a.queueLimit() == b.queueLimit() && a.warmupFactor() == b.warmupFactor()
        && a.warmupMillis() == b.warmupMillis();
  }

  /** The index page: how the results were made, what runs where, an overview and the pages. */
  public static String index(List<Scenario> scenarios, List<List<RunResult>> results,
      List<String> pages, long seed) {
    StringBuilder sb = new StringBuilder("# Cluster simulation results\n\n");
    sb.append("Strategies, trackers and client policies from `io.lbkit.bench.sim.Catalog` run "
        + "through each scenario below in virtual time, driving the real lbkit selectors, the "
        + "`LoadTracker` (`load`) or `HealthMonitor` with `HealthConfig.defaults()` (`health`), "
        + "and the `LoadBalancer` facade with `Failover.failFast()`, `Failover.retry(3)` (3 "
        + "attempts in all, default backoff and retry budget) or `Failover.hedged(")
        .append(Catalog.HEDGE_DELAY.toMillis()).append(" ms)`. Seed ").append(seed)
        .append("; the same seed gives the same files.\n\n");
    sb.append("Regenerate: `mvn -B -q -pl lb-benchmarks -am package -DskipTests && java -cp "
        + "lb-benchmarks/target/lb-benchmarks.jar io.lbkit.bench.sim.SimulatorMain` (options "
        + "`--out DIR`, `--scenario N[,N]`, `--seed L`, `--duration SECONDS`, `--threads T`, "
        + "and `--strategy`, `--tracker`, `--policy` name filters).\n\n");
    sb.append("| # | scenario | page |\n|--:|---|---|\n");
    for (int i = 0; i < scenarios.size(); i++) {
      Scenario s = scenarios.get(i);
      sb.append("| ").append(s.number()).append(" | ").append(s.title()).append(" | [")
          .append(pages.get(i)).append("](").append(pages.get(i)).append(") |\n");
    }
    sb.append("\n## What runs where\n\nNot every combination is worth a run on every scenario "
        + "(a retry has nothing to do where nothing fails, a hash key nothing where requests "
        + "carry none); the selection keeps every scenario together under two minutes on 2 cores.\n\n"
        + "| # | runs | variants | why |\n|--:|--:|---|---|\n");
    for (int i = 0; i < scenarios.size(); i++) {
      Scenario s = scenarios.get(i);
      Catalog.Plan plan = Catalog.plan(s.number());
      sb.append("| ").append(s.number()).append(" | ").append(results.get(i).size()).append(" | ")
          .append(plan == null ? "all" : plan.summary()).append(" | ")
          .append(plan == null ? "" : plan.why()).append(" |\n");
    }
    List<String> labels = new ArrayList<>();
    for (List<RunResult> rs : results) {
      for (RunResult r : rs) {
        if (!labels.contains(r.variant().label())) {
          labels.add(r.variant().label());
        }
      }
    }
    if (!labels.isEmpty()) {
      sb.append("\n## Overview: p99 latency in ms (success %)\n\n| variant |");
      StringBuilder rule = new StringBuilder("|---|");
      for (Scenario s : scenarios) {
        sb.append(' ').append(s.number()).append(" |");
        rule.append("--:|");
      }
      sb.append('\n').append(rule).append('\n');
      for (String label : labels) {
        sb.append("| ").append(label).append(" |");
        for (List<RunResult> rs : results) {
          RunResult r = find(rs, label);
          sb.append(' ').append(r == null ? "–" : fixed(r.percentileMillis(0.99), 1) + " ("
              + fixed(r.successRate() * 100, 2) + ")").append(" |");
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static RunResult find(List<RunResult> rs, String label) {
    for (RunResult r : rs) {
      if (r.variant().label().equals(label)) {
        return r;
      }
    }
    return null;
  }
}
