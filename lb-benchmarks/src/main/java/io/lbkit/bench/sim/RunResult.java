package io.lbkit.bench.sim;

import java.util.List;

/**
 * What one run of one variant through one scenario measured. Latencies are of logical requests
 * (arrival to the policy's finish, all attempts included), successful or not, kept exactly so that
 * percentiles are exact (nearest rank). Load is counted in attempts per server.
 */
public final class RunResult {
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

  RunResult(Scenario scenario, Variant variant, long[] sortedLatencies, long successes,
      long[] attempts, boolean[] everMember, long[][] bucketAttempts, double bucketSeconds,
      long[] outcomes, long ejections, long events) {
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
    if (sortedLatencies.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sortedLatencies.length);
    return sortedLatencies[Math.max(0, Math.min(rank, sortedLatencies.length) - 1)] / 1e6;
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
