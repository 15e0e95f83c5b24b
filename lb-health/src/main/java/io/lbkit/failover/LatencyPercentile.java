package io.lbkit.failover;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A live latency percentile for hedging: a log-linear histogram of recent successful latencies.
 *
 * <pre>
 * Bucket of a latency v (ns): v itself for v < 16; otherwise, with e = floor(log2 v),
 *   16 + (e - 4) * 8 + (the 3 bits below the top bit)
 * so each power of two is split in 8 (at most 12.5% relative error), 488 buckets cover all longs.
 * Two histograms, current and previous, each of WINDOW samples: the percentile is read over both,
 * so it follows the last 1 to 2 windows of traffic. The answer is recomputed every RECOMPUTE
 * samples and cached, so reading it costs one volatile load.
 * </pre>
 *
 * Recording is lock-free; the rotation of windows takes this object's monitor (once per WINDOW
 * samples). Until MIN_SAMPLES latencies have been seen, {@link #delayNanos()} answers the initial
 * delay.
 */
final class LatencyPercentile {
  static final int MIN_SAMPLES = 100;
  static final int WINDOW = 10_000;
  static final int RECOMPUTE = 64;
  private static final int BUCKETS = 16 + 59 * 8;

  private final double percentile;
  private final long initialNanos;
  private volatile AtomicLongArray current = new AtomicLongArray(BUCKETS);
  private volatile AtomicLongArray previous = new AtomicLongArray(BUCKETS);
  private final AtomicLong inCurrent = new AtomicLong();
  private final AtomicLong total = new AtomicLong();
  private volatile long cached;

  LatencyPercentile(double percentile, long initialNanos) {
    this.percentile = percentile;
    this.initialNanos = initialNanos;
    this.cached = initialNanos;
  }

  static int bucket(long v) {
    if (v < 16) {
      return (int) Math.max(0, v);
    }
    int e = 63 - Long.numberOfLeadingZeros(v);
    int sub = (int) ((v >>> (e - 3)) & 7);
    return 16 + (e - 4) * 8 + sub;
  }

  /** The largest latency that falls in bucket {@code b}. */
  static long upperBound(int b) {
    if (b < 16) {
      return b;
    }
    int e = (b - 16) / 8 + 4;
    int sub = (b - 16) % 8;
    long top = (long) (8 + sub + 1) << (e - 3);
    return top - 1 < 0 ? Long.MAX_VALUE : top - 1;
  }

  void record(long latencyNanos) {
    current.incrementAndGet(bucket(latencyNanos));
    long n = total.incrementAndGet();
    if (inCurrent.incrementAndGet() >= WINDOW) {
      rotate();
    }
    if (n >= MIN_SAMPLES && n % RECOMPUTE == 0) {
      cached = compute();
    }
  }

  private synchronized void rotate() {
    if (inCurrent.get() < WINDOW) {
      return;
    }
    previous = current;
    current = new AtomicLongArray(BUCKETS);
    inCurrent.set(0);
  }

  /** The hedge delay now: the percentile once enough samples exist, else the initial delay. */
  long delayNanos() {
    return cached;
  }

  private long compute() {
    AtomicLongArray c = current;
    AtomicLongArray p = previous;
    long count = 0;
    for (int b = 0; b < BUCKETS; b++) {
      count += c.get(b) + p.get(b);
    }
    if (count < MIN_SAMPLES) {
      return initialNanos;
    }
    long rank = (long) Math.ceil(percentile * count);
    long seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
      seen += c.get(b) + p.get(b);
      if (seen >= rank) {
        return upperBound(b);
      }
    }
    return upperBound(BUCKETS - 1);
  }
}
