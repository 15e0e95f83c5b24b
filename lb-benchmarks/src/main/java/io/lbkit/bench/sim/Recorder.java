package io.lbkit.bench.sim;

import java.util.Arrays;

/**
 * The measurements of one run as it goes: every logical request's latency (kept exactly), attempts
 * per server in total and per time bucket, attempt outcomes, ejections. Event-loop thread only.
 */
final class Recorder {
  private final long bucketNanos;
  private long[] latencies = new long[1024];
  private int requests;
  private long successes;
  private final long[] attempts;
  private final boolean[] everMember;
  private final long[][] bucketAttempts;
  private final long[] outcomes = new long[Outcome.values().length];
  private long ejections;

  Recorder(int servers, double durationSeconds, double bucketSeconds) {
    this.bucketNanos = (long) (bucketSeconds * 1e9);
    this.attempts = new long[servers];
    this.everMember = new boolean[servers];
    this.bucketAttempts = new long[Math.max(1, (int) Math.ceil(durationSeconds / bucketSeconds))]
        [servers];
  }

  void member(int server) {
    everMember[server] = true;
  }

  boolean wasMember(int server) {
    return everMember[server];
  }

  /** An attempt was sent to {@code server} at {@code nowNanos}; late ones count in the last bucket. */
  void sent(int server, long nowNanos) {
    attempts[server]++;
    int b = (int) Math.min(nowNanos / bucketNanos, bucketAttempts.length - 1);
    bucketAttempts[b][server]++;
  }

  void outcome(Outcome o) {
    outcomes[o.ordinal()]++;
  }

  void ejection() {
    ejections++;
  }

  void request(long latencyNanos, boolean success) {
    if (requests == latencies.length) {
      latencies = Arrays.copyOf(latencies, requests * 2);
    }
    latencies[requests++] = latencyNanos;
    if (success) {
      successes++;
    }
  }

  RunResult result(Scenario scenario, Variant variant, long events) {
    long[] sorted = Arrays.copyOf(latencies, requests);
    Arrays.sort(sorted);
    return new RunResult(scenario, variant, sorted, successes, attempts.clone(),
        everMember.clone(), bucketAttempts, bucketNanos / 1e9, outcomes.clone(), ejections,
        events);
  }
}
