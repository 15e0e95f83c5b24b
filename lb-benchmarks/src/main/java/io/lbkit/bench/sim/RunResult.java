package io.lbkit.bench.sim;

import java.util.List;

/**
 * What one run of one variant through one scenario measured. Latencies are of logical requests
 * (arrival to the policy's finish, all attempts included), successful or not, kept exactly so that
 * percentiles are exact (nearest rank), in all and per step of the workload's rate (by arrival).
 * Load is counted in attempts per server, and in calls at each server (in service and queued)
 * over time. With several clients every figure is over all of them.
 */
public final class RunResult {
  /** A client's tracker took {@code server} out of its choice {@code atSeconds} into the run. */
  public record Ejection(int server, double atSeconds) {}

  private final Scenario scenario;
  private final Variant variant;
  private final long[] sortedLatencies;
  private final long successes;
  private final long[] attempts;
  private final boolean[] everMember;
  private final long[][] bucketAttempts;
  private final double bucketSeconds;
  private final long[] outcomes;
  private final long ejections;
  private final long events;
  private final long[][] stepLatencies; // sorted, per rate step
  private final long[] stepFailures;
  private final long[] bucketRequests; // by arrival
  private final long[] bucketFailures;
  private final List<Ejection> ejectionList;
  private final double[][] bucketDepth; // [bucket][server]: mean calls at the server
  private final int[][] bucketMaxDepth; // [bucket][server]: most calls at the server at once

  RunResult(Scenario scenario, Variant variant, long[] sortedLatencies, long successes,
      long[] attempts, boolean[] everMember, long[][] bucketAttempts, double bucketSeconds,
      long[] outcomes, long ejections, long events, long[][] stepLatencies, long[] stepFailures,
      long[] bucketRequests, long[] bucketFailures,
      List<Ejection> ejectionList, double[][] bucketDepth, int[][] bucketMaxDepth) {
    this.scenario = scenario;
    this.variant = variant;
    this.sortedLatencies = sortedLatencies;
    this.successes = successes;
    this.attempts = attempts;
    this.everMember = everMember;
    this.bucketAttempts = bucketAttempts;
    this.bucketSeconds = bucketSeconds;
    this.outcomes = outcomes;
    this.ejections = ejections;
    this.events = events;
    this.stepLatencies = stepLatencies;
    this.stepFailures = stepFailures;
    this.bucketRequests = bucketRequests;
    this.bucketFailures = bucketFailures;
    this.ejectionList = ejectionList;
    this.bucketDepth = bucketDepth;
    this.bucketMaxDepth = bucketMaxDepth;
  }

  public Scenario scenario() {
    return scenario;
  }

  public Variant variant() {
    return variant;
  }

  public long requests() {
    return sortedLatencies.length;
  }

  public long successes() {
    return successes;
  }

  public long failures() {
    return requests() - successes;
  }

  /** Successful logical requests / all, in [0, 1]; 1 when there were none. */
  public double successRate() {
    return requests() == 0 ? 1.0 : (double) successes / requests();
  }

  /** The exact {@code q}-quantile (0 < q <= 1) of request latency, by nearest rank, in ms. */
  public double percentileMillis(double q) {
    return percentileMillis(sortedLatencies, q);
  }

  private static double percentileMillis(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(rank, sorted.length) - 1)] / 1e6;
  }

  /** The success rate of requests that arrived at or after {@code seconds}; 1 when none did. */
  public double successRateSince(double seconds) {
    long n = 0;
    long failed = 0;
    for (int b = Math.max(0, (int) Math.ceil(seconds / bucketSeconds - 1e-9));
        b < bucketRequests.length; b++) {
      n += bucketRequests[b];
      failed += bucketFailures[b];
    }
    return n == 0 ? 1.0 : 1.0 - (double) failed / n;
  }

  /** How many rate steps the workload has (1 for a constant rate; 0 for a closed loop too: 1). */
  public int steps() {
    return stepLatencies.length;
  }

  /** Logical requests that arrived during rate step {@code step}. */
  public long stepRequests(int step) {
    return stepLatencies[step].length;
  }

  /** Of those, how many failed. */
  public long stepFailures(int step) {
    return stepFailures[step];
  }

  /** The exact {@code q}-quantile of the latency of requests that arrived in {@code step}, in ms. */
  public double stepPercentileMillis(int step, double q) {
    return percentileMillis(stepLatencies[step], q);
  }

  public long totalAttempts() {
    long n = 0;
    for (long a : attempts) {
      n += a;
    }
    return n;
  }

  /** Attempts per logical request: 1 without retries, more with them. */
  public double attemptsPerRequest() {
    return requests() == 0 ? 0 : (double) totalAttempts() / requests();
  }

  /** Attempts sent to server {@code i} (index in the scenario's specs). */
  public long attempts(int server) {
    return attempts[server];
  }

  /** Whether server {@code i} was in the pool at any time of the run. */
  public boolean everMember(int server) {
    return everMember[server];
  }

  /** Share of all attempts that went to server {@code i}, in [0, 1]. */
  public double share(int server) {
    long total = totalAttempts();
    return total == 0 ? 0 : (double) attempts[server] / total;
  }

  /**
   * The busiest server's attempts over the mean per server that was ever a member: 1 is perfectly
   * even (over the whole run, so servers that joined late pull the mean down).
   */
  public double maxOverMean() {
    long max = 0;
    int members = 0;
    for (int i = 0; i < attempts.length; i++) {
      if (everMember[i]) {
        members++;
        max = Math.max(max, attempts[i]);
      }
    }
    long total = totalAttempts();
    return total == 0 ? 0 : max / ((double) total / members);
  }

  /** Attempts that ended with {@code outcome}. */
  public long outcomes(Outcome outcome) {
    return outcomes[outcome.ordinal()];
  }

  /** Ejections seen (a chooseable server turning unavailable); 0 for trackers that never eject. */
  public long ejections() {
    return ejections;
  }

  /** Every ejection, in time order. */
  public List<Ejection> ejectionList() {
    return ejectionList;
  }

  /** Ejections of {@code server} (by any client) at or after {@code seconds}. */
  public long ejectionsOf(int server, double seconds) {
    long n = 0;
    for (Ejection e : ejectionList) {
      if (e.server() == server && e.atSeconds() >= seconds) {
        n++;
      }
    }
    return n;
  }

  /**
   * Per time bucket: the calls at {@code server} (in service and queued), averaged over the
   * bucket. Nothing after the last bucket's end counts (calls still draining are left out).
   */
  public double[] depthOverTime(int server) {
    double[] out = new double[bucketDepth.length];
    for (int b = 0; b < out.length; b++) {
      out[b] = bucketDepth[b][server];
    }
    return out;
  }

  /** The mean calls at {@code server} over the buckets in [{@code from}, {@code to}) seconds. */
  public double meanDepth(int server, double fromSeconds, double toSeconds) {
    int[] r = buckets(fromSeconds, toSeconds);
    double sum = 0;
    for (int b = r[0]; b < r[1]; b++) {
      sum += bucketDepth[b][server];
    }
    return r[1] > r[0] ? sum / (r[1] - r[0]) : 0;
  }

  /** The highest bucket mean of calls at {@code server} in [{@code from}, {@code to}) seconds. */
  public double peakDepth(int server, double fromSeconds, double toSeconds) {
    int[] r = buckets(fromSeconds, toSeconds);
    double max = 0;
    for (int b = r[0]; b < r[1]; b++) {
      max = Math.max(max, bucketDepth[b][server]);
    }
    return max;
  }

  /** The most calls {@code server} held at once in [{@code from}, {@code to}) seconds (by bucket). */
  public int maxDepth(int server, double fromSeconds, double toSeconds) {
    int[] r = buckets(fromSeconds, toSeconds);
    int max = 0;
    for (int b = r[0]; b < r[1]; b++) {
      max = Math.max(max, bucketMaxDepth[b][server]);
    }
    return max;
  }

  private int[] buckets(double fromSeconds, double toSeconds) {
    int from = Math.max(0, (int) Math.ceil(fromSeconds / bucketSeconds - 1e-9));
    int to = Math.min(bucketDepth.length, (int) Math.ceil(toSeconds / bucketSeconds - 1e-9));
    return new int[] {from, to};
  }

  /** Events the run processed (a measure of its cost). */
  public long events() {
    return events;
  }

  public int buckets() {
    return bucketAttempts.length;
  }

  public double bucketSeconds() {
    return bucketSeconds;
  }

  /**
   * {@return the share of attempts that went to {@code server} in the buckets that start at or
   * after {@code seconds}} 0 when there were none.
   */
  public double shareSince(int server, double seconds) {
    long total = 0;
    long mine = 0;
    for (int b = (int) Math.ceil(seconds / bucketSeconds - 1e-9); b < bucketAttempts.length; b++) {
      for (long a : bucketAttempts[b]) {
        total += a;
      }
      mine += bucketAttempts[b][server];
    }
    return total == 0 ? 0 : (double) mine / total;
  }

  /** Per time bucket: the share of attempts that went to {@code servers}, in [0, 1]. */
  public double[] shareOverTime(List<Integer> servers) {
    double[] out = new double[bucketAttempts.length];
    for (int b = 0; b < out.length; b++) {
      long total = 0;
      long focus = 0;
      for (int i = 0; i < bucketAttempts[b].length; i++) {
        total += bucketAttempts[b][i];
      }
      for (int i : servers) {
        focus += bucketAttempts[b][i];
      }
      out[b] = total == 0 ? 0 : (double) focus / total;
    }
    return out;
  }

  /** Per time bucket: attempts per second over all servers. */
  public double[] attemptRateOverTime() {
    double[] out = new double[bucketAttempts.length];
    for (int b = 0; b < out.length; b++) {
      long total = 0;
      for (long a : bucketAttempts[b]) {
        total += a;
      }
      out[b] = total / bucketSeconds;
    }
    return out;
  }
}
