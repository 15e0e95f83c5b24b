package io.lbkit.bench.sim;

import java.util.Arrays;
import java.util.List;

/**
 * The measurements of one run as it goes: every logical request's latency (kept exactly) and the
 * rate step it arrived in, attempts per server in total and per time bucket, each server's calls
 * (in service and queued) over time, attempt outcomes, ejections with their server and time.
 * Event-loop thread only; shared by all clients of a run.
 */
final class Recorder {
  private final long bucketNanos;
  private final long[] stepStarts; // nanos at which each of the workload's rate steps begins
  private long[] latencies = new long[1024];
  private int[] steps = new int[1024];
  private int requests;
  private long successes;
  private final long[] attempts;
  private final boolean[] everMember;
  private final long[][] bucketAttempts;
  private final long[] bucketRequests; // by arrival
  private final long[] bucketFailures;
  private final long[] outcomes = new long[Outcome.values().length];
  private long ejections;
  private long[] ejectionAt = new long[16];
  private int[] ejectedServer = new int[16];
  // calls at each server: the current count, since when, and per bucket its integral over time
  // (call-nanoseconds) and its maximum
  private final int[] depth;
  private final long[] depthSince;
  private final double[][] depthIntegral;
  private final int[][] depthMax;
  private final long endNanos; // the last bucket's end

  Recorder(int servers, double durationSeconds, double bucketSeconds) {
    this(servers, durationSeconds, bucketSeconds, List.of(new Workload.RateStep(0, 0)));
  }

  Recorder(int servers, double durationSeconds, double bucketSeconds,
      List<Workload.RateStep> rateSteps) {
    this.bucketNanos = (long) (bucketSeconds * 1e9);
    this.attempts = new long[servers];
    this.everMember = new boolean[servers];
    int buckets = Math.max(1, (int) Math.ceil(durationSeconds / bucketSeconds));
    this.bucketAttempts = new long[buckets][servers];
    this.bucketRequests = new long[buckets];
    this.bucketFailures = new long[buckets];
    this.depth = new int[servers];
    this.depthSince = new long[servers];
    this.depthIntegral = new double[buckets][servers];
    this.depthMax = new int[buckets][servers];
    this.endNanos = buckets * bucketNanos;
    int n = Math.max(1, rateSteps.size());
    this.stepStarts = new long[n];
    for (int i = 1; i < rateSteps.size(); i++) {
      stepStarts[i] = (long) (rateSteps.get(i).atSeconds() * 1e9);
    }
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
    bucketAttempts[bucket(nowNanos)][server]++;
  }

  private int bucket(long nanos) {
    return (int) Math.min(nanos / bucketNanos, bucketAttempts.length - 1);
  }

  /**
   * {@code server} holds {@code calls} (in service and queued) from {@code nowNanos} on. Unlike
   * attempts, nothing after the last bucket's end counts: the buckets' means stay over their
   * own time while the calls in flight drain.
   */
  void depth(int server, long nowNanos, int calls) {
    advanceDepth(server, nowNanos);
    depth[server] = calls;
    if (nowNanos < endNanos) {
      int b = bucket(nowNanos);
      depthMax[b][server] = Math.max(depthMax[b][server], calls);
    }
  }

  /** Adds the current count of {@code server} from its last change up to {@code nowNanos}. */
  private void advanceDepth(int server, long nowNanos) {
    long to = Math.min(nowNanos, endNanos);
    long from = depthSince[server];
    int d = depth[server];
    while (from < to) {
      int b = bucket(from);
      long end = Math.min(to, (b + 1) * bucketNanos);
      if (d > 0) {
        depthIntegral[b][server] += (double) d * (end - from);
        depthMax[b][server] = Math.max(depthMax[b][server], d);
      }
      from = end;
    }
    depthSince[server] = Math.max(from, depthSince[server]);
  }

  void outcome(Outcome o) {
    outcomes[o.ordinal()]++;
  }

  /** A client's tracker took {@code server} out of its choice at {@code nowNanos}. */
  void ejection(int server, long nowNanos) {
    int n = (int) ejections;
    if (n == ejectionAt.length) {
      ejectionAt = Arrays.copyOf(ejectionAt, n * 2);
      ejectedServer = Arrays.copyOf(ejectedServer, n * 2);
    }
    ejectionAt[n] = nowNanos;
    ejectedServer[n] = server;
    ejections++;
  }

  /** A logical request that arrived at {@code arrivalNanos} ended after {@code latencyNanos}. */
  void request(long arrivalNanos, long latencyNanos, boolean success) {
    if (requests == latencies.length) {
      latencies = Arrays.copyOf(latencies, requests * 2);
      steps = Arrays.copyOf(steps, requests * 2);
    }
    int step = stepStarts.length - 1;
    while (step > 0 && arrivalNanos < stepStarts[step]) {
      step--;
    }
    latencies[requests] = success ? latencyNanos : -1 - latencyNanos; // sign marks a failure
    steps[requests++] = step;
    int b = bucket(arrivalNanos);
    bucketRequests[b]++;
    if (success) {
      successes++;
    } else {
      bucketFailures[b]++;
    }
  }

  RunResult result(Scenario scenario, Variant variant, long events, long nowNanos) {
    for (int i = 0; i < depth.length; i++) {
      advanceDepth(i, nowNanos);
    }
    long[] sorted = new long[requests];
    long[][] byStep = new long[stepStarts.length][];
    int[] inStep = new int[stepStarts.length];
    long[] failedInStep = new long[stepStarts.length];
    for (int r = 0; r < requests; r++) {
      inStep[steps[r]]++;
    }
    for (int s = 0; s < byStep.length; s++) {
      byStep[s] = new long[inStep[s]];
      inStep[s] = 0;
    }
    for (int r = 0; r < requests; r++) {
      long l = latencies[r];
      int s = steps[r];
      if (l < 0) {
        l = -1 - l;
        failedInStep[s]++;
      }
      sorted[r] = l;
      byStep[s][inStep[s]++] = l;
    }
    Arrays.sort(sorted);
    for (long[] s : byStep) {
      Arrays.sort(s);
    }
    int n = (int) ejections;
    RunResult.Ejection[] ejected = new RunResult.Ejection[n];
    for (int i = 0; i < n; i++) {
      ejected[i] = new RunResult.Ejection(ejectedServer[i], ejectionAt[i] / 1e9);
    }
    double[][] meanDepth = new double[depthIntegral.length][];
    for (int b = 0; b < meanDepth.length; b++) {
      meanDepth[b] = new double[depthIntegral[b].length];
      for (int i = 0; i < meanDepth[b].length; i++) {
        meanDepth[b][i] = depthIntegral[b][i] / bucketNanos;
      }
    }
    return new RunResult(scenario, variant, sorted, successes, attempts.clone(),
        everMember.clone(), bucketAttempts, bucketNanos / 1e9, outcomes.clone(), ejections,
        events, byStep, failedInStep, bucketRequests, bucketFailures, List.of(ejected), meanDepth, depthMax);
  }
}
