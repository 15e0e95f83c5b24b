package io.lbkit.bench.sim;

/**
 * What one {@link Replay} measured: the simulator's usual {@link RunResult} (logical calls'
 * latency and success, attempts per server), each attempt's latency, and the picks in the order
 * they were sent.
 */
public final class ReplayResult {
  private final RunResult run;
  private final long[] pickTimes;
  private final int[] pickServers;
  private final long[] sortedAttemptLatencies;
  private final long attemptSuccesses;
  private final long[] answers = new long[RecordedServers.Source.values().length];

  ReplayResult(RunResult run, long[] pickTimes, int[] pickServers, long[] sortedAttemptLatencies,
      long attemptSuccesses, RecordedServers servers) {
    this.run = run;
    this.pickTimes = pickTimes;
    this.pickServers = pickServers;
    this.sortedAttemptLatencies = sortedAttemptLatencies;
    this.attemptSuccesses = attemptSuccesses;
    for (RecordedServers.Source s : RecordedServers.Source.values()) {
      answers[s.ordinal()] = servers.answers(s);
    }
  }

  public RunResult run() {
    return run;
  }

  /** Attempts sent, in order. */
  public int picks() {
    return pickServers.length;
  }

  /** The virtual time the {@code i}-th attempt was sent, in nanoseconds since the origin. */
  public long pickTime(int i) {
    return pickTimes[i];
  }

  /** The server index (in the recording's table) the {@code i}-th attempt went to. */
  public int pickServer(int i) {
    return pickServers[i];
  }

  /** Attempts that ended (answered or timed out; cancelled copies are not counted). */
  public long endedAttempts() {
    return sortedAttemptLatencies.length;
  }

  /** Successful attempts / ended attempts, in [0, 1]; 1 when none ended. */
  public double attemptSuccessRate() {
    return sortedAttemptLatencies.length == 0 ? 1.0
        : (double) attemptSuccesses / sortedAttemptLatencies.length;
  }

  /** The exact {@code q}-quantile (nearest rank) of ended attempts' latency, in ms. */
  public double attemptPercentileMillis(double q) {
    return ReplayStats.percentileMillis(sortedAttemptLatencies, q);
  }

  /** How many attempts got their answer from {@code source} (see {@link RecordedServers}). */
  long answers(RecordedServers.Source source) {
    return answers[source.ordinal()];
  }
}
