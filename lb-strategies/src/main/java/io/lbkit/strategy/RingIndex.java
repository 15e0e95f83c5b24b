package io.lbkit.strategy;

/**
 * An O(1) way into a sorted array of ring points: a table of where each range of hash values
 * starts, so a lookup reads one table entry and scans the one or two points of its range instead
 * of a binary search, whose every step is a branch that random keys mispredict.
 *
 * <pre>
 * Ring points are hash outputs, uniform over the 64-bit space. With B = 2^b buckets
 * (B = the largest power of two <= P points, so 1 to 2 points per bucket on average):
 *   bucket(h) = (h XOR 2^63) >>> (64 - b)   (flipping the sign bit makes signed order unsigned,
 *                                            so buckets follow the points' signed order)
 *   start[k]  = the first point index whose bucket is >= k;  start[B] = P
 * The point for h is the first index in [start[bucket(h)], start[bucket(h) + 1]) with point >= h,
 * or start[bucket(h) + 1] if there is none (wrapping to 0 at P). A range longer than 8 points
 * (unlikely for hashed points) is binary searched.
 * </pre>
 */
final class RingIndex {
  private final long[] points;
  private final int[] start;
  private final int shift;

  RingIndex(long[] points) {
    this.points = points;
    int p = points.length;
    int bits = p < 2 ? 0 : 31 - Integer.numberOfLeadingZeros(p);
    int buckets = 1 << bits;
    this.shift = 64 - bits;
    this.start = new int[buckets + 1];
    int i = 0;
    for (int k = 0; k < buckets; k++) {
      while (i < p && bucket(points[i]) < k) {
        i++;
      }
      start[k] = i;
    }
    start[buckets] = p;
  }

  private int bucket(long h) {
    // shift == 64 (one bucket) must give 0; Java masks shift counts, so handle it explicitly.
    return shift == 64 ? 0 : (int) ((h ^ Long.MIN_VALUE) >>> shift);
  }

  /** The index of the point {@code h} belongs to. */
  int locate(long h) {
    int k = bucket(h);
    int lo = start[k];
    int hi = start[k + 1];
    long[] pts = points;
    if (hi - lo > 8) {
      return RingTable.locate(pts, h, lo, hi);
    }
    while (lo < hi && pts[lo] < h) {
      lo++;
    }
    return lo == pts.length ? 0 : lo;
  }
}
