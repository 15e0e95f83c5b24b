package io.lbkit.bench.sim;

import io.lbkit.failover.CallRecording;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The replay's command line: replays a recording under other strategies and prints what each
 * would have done next to what the recording did; or records a simulator run to try it on.
 *
 * <pre>
 * ReplayMain FILE [--strategy S]... [--tracker load|health] [--policy failFast|retry3|hedged]
 *                 [--seed N] [--timeout-ms N] [--window-ms N] [--duration-s X]
 * ReplayMain record FILE [--scenario 1-8] [--strategy S] [--tracker T] [--policy P] [--seed N]
 * </pre>
 *
 * Strategy names are the simulator's ({@code roundRobin}, {@code powerOfTwoChoices} or {@code
 * p2c}, {@code peakEwma}, ...). Exit status 2 for bad arguments, 1 for an unreadable recording.
 */
public final class ReplayMain {
  static final String USAGE = "usage: ReplayMain FILE [--strategy S]... [--tracker load|health]"
      + " [--policy failFast|retry3|hedged] [--seed N] [--timeout-ms N] [--window-ms N]"
      + " [--duration-s X]\n"
      + "       ReplayMain record FILE [--scenario 1-8] [--strategy S] [--tracker T]"
      + " [--policy P] [--seed N]";
  private static final long MS = 1_000_000L;

  private ReplayMain() {}

  public static void main(String[] args) {
    try {
      System.out.print(run(args));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    } catch (IOException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
  }

  /** What {@link #main} prints for {@code args}. */
  static String run(String[] args) throws IOException {
    if (args.length == 0) {
      throw new IllegalArgumentException("no recording given (expected: FILE or record FILE)");
    }
    boolean record = args[0].equals("record");
    int at = record ? 1 : 0;
    if (at >= args.length || args[at].startsWith("--")) {
      throw new IllegalArgumentException("no recording given (expected: a file name after "
          + (record ? "record" : "the command") + ")");
    }
    Path file = Path.of(args[at]);
    List<String> strategies = new ArrayList<>();
    String tracker = "load";
    String policy = "failFast";
    int scenario = 2;
    long seed = 42;
    long timeout = Policies.DEFAULT_ATTEMPT_TIMEOUT_NANOS;
    long window = Replay.Options.DEFAULT_WINDOW_NANOS;
    long duration = -1;
    for (int i = at + 1; i < args.length; i++) {
      String opt = args[i];
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(opt + ": no value (expected: " + opt + " VALUE)");
      }
      String v = args[++i];
      switch (opt) {
        case "--strategy":
          strategies.add(strategy(v));
          break;
        case "--tracker":
          tracker = v;
          break;
        case "--policy":
          policy = v;
          break;
        case "--scenario":
          scenario = (int) number(opt, v, 1, 8);
          break;
        case "--seed":
          seed = number(opt, v, Long.MIN_VALUE, Long.MAX_VALUE);
          break;
        case "--timeout-ms":
          timeout = number(opt, v, 1, Long.MAX_VALUE / MS) * MS;
          break;
        case "--window-ms":
          window = number(opt, v, 0, Long.MAX_VALUE / MS) * MS;
          break;
        case "--duration-s":
          duration = (long) (decimal(opt, v) * 1e9);
          break;
        default:
          throw new IllegalArgumentException("option: " + opt + " (expected: one of --strategy, "
              + "--tracker, --policy, --scenario, --seed, --timeout-ms, --window-ms, "
              + "--duration-s)");
      }
    }
    if (record) {
      if (strategies.size() > 1) {
        throw new IllegalArgumentException("--strategy: given " + strategies.size()
            + " times (expected: once when recording)");
      }
      Variant v = Catalog.variant(strategies.isEmpty() ? "peakEwma" : strategies.get(0),
          tracker, policy);
      Scenario s = Scenarios.byNumber(scenario);
      RunResult r = SimRecording.record(s, v, seed, file);
      return "Recorded " + s + " under " + v.label() + ", seed " + seed + ", to " + file + ": "
          + r.requests() + " calls, " + r.totalAttempts() + " attempts, success "
          + pct(r.successRate()) + ", p50 " + Report.num(r.percentileMillis(0.5)) + " ms, p99 "
          + Report.num(r.percentileMillis(0.99)) + " ms\n";
    }
    if (strategies.isEmpty()) {
      strategies.addAll(List.of("roundRobin", "powerOfTwoChoices", "peakEwma"));
    }
    List<Variant> variants = new ArrayList<>();
    for (String s : strategies) {
      variants.add(Catalog.variant(s, tracker, policy));
    }
    CallRecording recording = CallRecording.read(file);
    return compare(file.getFileName().toString(), recording, variants,
        new Replay.Options(seed, timeout, window, duration));
  }

  private static String strategy(String name) {
    return name.equals("p2c") ? "powerOfTwoChoices" : name;
  }

  /** The what-if table: the recording's figures, then one row per replayed variant. */
  static String compare(String name, CallRecording recording, List<Variant> variants,
      Replay.Options options) {
    ReplayStats recorded = ReplayStats.of(recording);
    int n = recording.servers().size();
    StringBuilder sb = new StringBuilder();
    sb.append("Recording ").append(name).append(": ").append(n).append(" servers, ")
        .append(recorded.calls).append(" calls, ").append(recorded.totalAttempts())
        .append(" attempts over ").append(Report.num(recording.endNanos() / 1e9))
        .append(" s. Replayed with seed ").append(options.seed()).append(", attempt timeout ")
        .append(options.attemptTimeoutNanos() / MS).append(" ms, answers drawn within ")
        .append(options.windowNanos() / MS).append(" ms.\n\n");
    sb.append("| run | calls ok | call p50 | call p99 | attempts | attempts ok | attempt p50 "
        + "| attempt p99 |");
    for (int i = 0; i < n; i++) {
      sb.append(' ').append(recording.servers().get(i).id()).append(" |");
    }
    sb.append(" same picks | answers exact / window / nearest / pooled |\n|---|");
    sb.append("--:|".repeat(7 + n)).append("---|---|\n");
    sb.append("| recorded | - | - | - | ").append(recorded.totalAttempts()).append(" | ")
        .append(pct(recorded.successRate())).append(" | ")
        .append(Report.num(ReplayStats.percentileMillis(recorded.sortedLatencies, 0.5)))
        .append(" | ")
        .append(Report.num(ReplayStats.percentileMillis(recorded.sortedLatencies, 0.99)))
        .append(" |");
    long total = Math.max(1, recorded.totalAttempts());
    for (int i = 0; i < n; i++) {
      sb.append(' ').append(pct((double) recorded.attempts[i] / total)).append(" |");
    }
    sb.append(" | |\n");
    for (Variant v : variants) {
      ReplayResult r = new Replay(recording, v, options).run();
      RunResult run = r.run();
      sb.append("| ").append(v.label()).append(" | ").append(pct(run.successRate()))
          .append(" | ").append(Report.num(run.percentileMillis(0.5))).append(" | ")
          .append(Report.num(run.percentileMillis(0.99))).append(" | ").append(r.picks())
          .append(" | ").append(pct(r.attemptSuccessRate())).append(" | ")
          .append(Report.num(r.attemptPercentileMillis(0.5))).append(" | ")
          .append(Report.num(r.attemptPercentileMillis(0.99))).append(" |");
      for (int i = 0; i < n; i++) {
        sb.append(' ').append(pct(run.share(i))).append(" |");
      }
      long[] replayed = ReplayStats.picks(r);
      int d = ReplayStats.firstDifference(recorded.picks, replayed);
      sb.append(' ').append(d < 0 ? "all " + replayed.length : "differ from "
          + Report.num(ReplayStats.pickTimeMillis(d < replayed.length ? replayed[d]
              : recorded.picks[d])) + " ms on (" + d + " same)");
      sb.append(" | ").append(r.answers(RecordedServers.Source.EXACT)).append(" / ")
          .append(r.answers(RecordedServers.Source.WINDOW)).append(" / ")
          .append(r.answers(RecordedServers.Source.NEAREST)).append(" / ")
          .append(r.answers(RecordedServers.Source.POOLED)).append(" |\n");
    }
    sb.append("\nA recording has no call ends, so its call columns are empty: replay it with its "
        + "own strategy, tracker, policy and seed for them (the same picks give the same "
        + "figures). Shares are of attempts.\n");
    return sb.toString();
  }

  private static long number(String opt, String v, long min, long max) {
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(opt + ": " + v + " (expected: an integer)");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(opt + ": " + v + " (expected: " + min + ".." + max
          + ")");
    }
    return n;
  }

  private static double decimal(String opt, String v) {
    try {
      double d = Double.parseDouble(v);
      if (d >= 0) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(opt + ": " + v + " (expected: seconds >= 0)");
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.2f%%", share * 100);
  }
}
