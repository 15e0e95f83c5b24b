package io.lbkit.server;

/**
 * A server's latency as a function of the requests in flight a call met on arrival: what a
 * Prequal probe asks for. One EWMA per arrival RIF (0 to {@code buckets - 1}, the last bucket
 * taking every higher RIF). Not thread-safe: the {@link LoadReporter} calls it under its monitor.
 *
 * <pre>
 * record(rif, latency): the bucket's EWMA moves ALPHA (0.2) of the way to the sample (the first
 *   sample sets it), so it follows a change within a few calls.
 * estimate(rif): the bucket's EWMA when it had a sample within the last staleNanos (the report
 *   window). Otherwise the nearest fresh bucket k, scaled as a c-slot queue scales:
 *   latency(r) ~ service x max(1, (r + 1) / c), so L(rif) = L(k) x g(rif) / g(k) with
 *   g(r) = max(1, (r + 1) / c). Otherwise 0, "unknown": a server whose figures are all older than
 *   the window (no call for that long) answers as a new one does, so a server that was slow once
 *   (a cold start, a brief stall) is tried again instead of starved by an old figure no new
 *   call can correct; its next calls give it a fresh one.
 * </pre>
 */
final class LatencyAtRif {
  static final double ALPHA = 0.2;

  private final double[] ewma;
  private final long[] stamp;
  private final boolean[] seen;
  private final int capacity;
  private final long staleNanos;

  LatencyAtRif(int buckets, int capacity, long staleNanos) {
    this.ewma = new double[buckets];
    this.stamp = new long[buckets];
    this.seen = new boolean[buckets];
    this.capacity = capacity;
    this.staleNanos = staleNanos;
  }

  void record(int rif, long latencyNanos, long now) {
    int b = bucket(rif);
    ewma[b] = seen[b] ? ewma[b] + ALPHA * (latencyNanos - ewma[b]) : latencyNanos;
    seen[b] = true;
    stamp[b] = now;
  }

  long estimate(int rif, long now) {
    int b = bucket(rif);
    int k = nearest(b, now);
    return k < 0 ? 0L : Math.round(ewma[k] * g(b) / g(k));
  }

  private int nearest(int b, long now) {
    for (int d = 0; d < ewma.length; d++) {
      if (b - d >= 0 && fresh(b - d, now)) {
        return b - d;
      }
      if (d > 0 && b + d < ewma.length && fresh(b + d, now)) {
        return b + d;
      }
    }
    return -1;
  }

  private boolean fresh(int k, long now) {
    return seen[k] && now - stamp[k] < staleNanos;
  }

  private double g(int r) {
    return Math.max(1.0, (r + 1.0) / capacity);
  }

  private int bucket(int rif) {
    return Math.min(Math.max(rif, 0), ewma.length - 1);
  }
}
