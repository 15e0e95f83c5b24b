package io.lbkit.health;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Completed calls over a sliding window of {@link #BUCKETS} time buckets, lock-free. Each bucket
 * remembers which bucket number (time / bucket width) it currently counts; a write to a bucket
 * still holding an older number first resets it. A read sums the buckets of the last full window.
 *
 * <pre>
 * throughput = sum(count of buckets b with now_b - BUCKETS < b <= now_b) / covered seconds
 * covered    = min(window, now - created)   (a young server is not diluted by time it didn't exist)
 * </pre>
 */
final class ThroughputWindow {
  static final int BUCKETS = 10;

  private final long bucketNanos;
  private final long createdNanos;
  private final AtomicLongArray epochs = new AtomicLongArray(BUCKETS);
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  ThroughputWindow(long windowNanos, long createdNanos) {
    this.bucketNanos = Math.max(1L, windowNanos / BUCKETS);
    this.createdNanos = createdNanos;
    for (int i = 0; i < BUCKETS; i++) {
      epochs.set(i, Long.MIN_VALUE);
    }
  }

  void record(long nowNanos) {
    long b = Math.floorDiv(nowNanos, bucketNanos);
    int slot = (int) Math.floorMod(b, (long) BUCKETS);
    long e = epochs.get(slot);
    if (e != b) {
      if (e < b && epochs.compareAndSet(slot, e, b)) {
        counts.set(slot, 0L);
      } else if (epochs.get(slot) != b) {
        return; // a racing writer moved the bucket on; dropping one count is harmless here
      }
    }
    counts.incrementAndGet(slot);
  }

  double perSecond(long nowNanos) {
    long b = Math.floorDiv(nowNanos, bucketNanos);
    long sum = 0;
    for (int i = 0; i < BUCKETS; i++) {
      long e = epochs.get(i);
      if (e <= b && e > b - BUCKETS) {
        sum += counts.get(i);
      }
    }
    long start = Math.max((b - BUCKETS + 1) * bucketNanos, createdNanos);
    long covered = nowNanos - start;
    return covered <= 0 ? 0.0 : sum * 1e9 / covered;
  }
}
