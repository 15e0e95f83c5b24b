package io.lbkit.health;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Completed calls per second over a sliding window of {@link #BUCKETS} time buckets, batched off
 * the per-call path: it counts nothing itself but reads the server's cumulative completion count
 * (which the load metrics keep anyway), and remembers, for each of the last buckets, how many
 * calls had completed before the bucket's first one. A call costs one volatile read, except the
 * first of each bucket, which writes that bucket's mark.
 *
 * <pre>
 * throughput = (completed now - completed before the first call of the earliest bucket in the
 *               window) / covered seconds
 * covered    = min(window, now - created)   (a young server is not diluted by time it didn't exist)
 * </pre>
 * Exact for one writer; under concurrency a call racing a bucket's first one may be counted in
 * the bucket before. The creation bucket is marked when the window is made, so the calls of a
 * server younger than the window are all counted, however they race.
 */
final class ThroughputWindow {
  static final int BUCKETS = 10;

  private final long bucketNanos;
  private final long createdNanos;
  private final AtomicLongArray epochs = new AtomicLongArray(BUCKETS);
  private final AtomicLongArray before = new AtomicLongArray(BUCKETS);
  private volatile long currentBucket = Long.MIN_VALUE;

  /** @param completedBefore the server's cumulative completion count when the window is made */
  ThroughputWindow(long windowNanos, long createdNanos, long completedBefore) {
    this.bucketNanos = Math.max(1L, windowNanos / BUCKETS);
    this.createdNanos = createdNanos;
    for (int i = 0; i < BUCKETS; i++) {
      epochs.set(i, Long.MIN_VALUE);
    }
    mark(0L, completedBefore);
  }

  /**
   * A call completed at {@code nowNanos}, making {@code completed} (this one included).
   */
  void record(long nowNanos, long completed) {
    long b = bucket(nowNanos);
    if (b != currentBucket) {
      mark(b, completed - 1);
    }
  }

  private synchronized void mark(long b, long completedBefore) {
    if (b <= currentBucket) {
      return; // another caller marked it, or a late reading of an older bucket
    }
    int slot = (int) Math.floorMod(b, (long) BUCKETS);
    before.set(slot, completedBefore);
    epochs.set(slot, b);
    currentBucket = b;
  }

  /** @param completed the cumulative completion count now */
  double perSecond(long nowNanos, long completed) {
    long b = bucket(nowNanos);
    long first = b - BUCKETS + 1;
    long earliest = Long.MAX_VALUE;
    long base = completed;
    for (int i = 0; i < BUCKETS; i++) {
      long e = epochs.get(i);
      if (e >= first && e <= b && e < earliest) {
        earliest = e;
        base = before.get(i);
      }
    }
    long start = Math.max(first * bucketNanos, 0L); // since creation
    long covered = nowNanos - createdNanos - start;
    return covered <= 0 ? 0.0 : Math.max(0L, completed - base) * 1e9 / covered;
  }

  /** Buckets count from creation: a raw reading may wrap, the time since creation does not. */
  private long bucket(long nowNanos) {
    return Math.floorDiv(nowNanos - createdNanos, bucketNanos);
  }
}
