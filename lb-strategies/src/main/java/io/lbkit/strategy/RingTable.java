package io.lbkit.strategy;

import io.lbkit.Server;
import io.lbkit.internal.Hashing;
import java.util.Arrays;

/**
 * The sorted points of a ketama ring over a fixed list of members, each carrying its owner. Built
 * on the write path; immutable afterwards. Point positions depend only on a member's id and its
 * point number, never on the other members, which is what makes the ring consistent: adding or
 * removing a member adds or removes only that member's points.
 *
 * <pre>
 * Points of member m (id hash s_m = hash64(id)): p_{m,j} = hash64(j, s_m) for j in [0, count_m),
 *   count_m = vnodesPerWeight x weight_m, or, when the sum over members exceeds MAX_RING_POINTS,
 *   max(1, floor(vnodesPerWeight x weight_m x MAX_RING_POINTS / sum)).
 * Packing: a point's low b bits (b = bits for the member count, mask = 2^b - 1) are replaced by
 *   its owner's index, so one primitive long[] sort (a bucket sort, O(P) expected for hashed
 *   points) orders the points and carries the owners, and a pick reads one array. 64 - b >= 44 bits of position remain.
 * A key with hash h belongs to the first point whose position (point & ~mask) is >= (h & ~mask),
 *   in signed order, wrapping to the first point. Both sides have zero low bits, so this is the
 *   first packed value >= (h & ~mask): the owner bits never decide where a key lands, and a
 *   picker may re-pack them with candidate indexes without moving any key.
 * </pre>
 */
final class RingTable {
  final Server[] members;
  final int vnodesPerWeight;
  /** Sorted; position in the high bits, index into {@link #members} in the low bits. */
  final long[] points;
  final long mask;

  private RingTable(Server[] members, int vnodesPerWeight, long[] points, long mask) {
    this.members = members;
    this.vnodesPerWeight = vnodesPerWeight;
    this.points = points;
    this.mask = mask;
  }

  static RingTable build(Server[] members, int vnodesPerWeight) {
    int n = members.length;
    double wanted = 0;
    for (Server s : members) {
      wanted += (double) vnodesPerWeight * s.weight();
    }
    double scale = wanted > ConsistentHashConfig.MAX_RING_POINTS
        ? ConsistentHashConfig.MAX_RING_POINTS / wanted
        : 1.0;
    int[] counts = new int[n];
    int total = 0;
    for (int m = 0; m < n; m++) {
      double c = Math.floor((double) vnodesPerWeight * members[m].weight() * scale);
      counts[m] = (int) Math.max(1.0, Math.min(c, ConsistentHashConfig.MAX_RING_POINTS));
      total += counts[m];
    }
    int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(n - 1));
    long mask = (1L << bits) - 1;
    long[] packed = new long[total];
    int k = 0;
    for (int m = 0; m < n; m++) {
      long seed = Hashing.hash64(members[m].id());
      for (int j = 0; j < counts[m]; j++) {
        packed[k++] = (Hashing.hash64(j, seed) & ~mask) | m;
      }
    }
    sortHashed(packed);
    return new RingTable(members, vnodesPerWeight, packed, mask);
  }

  /**
   * Sorts (signed order) an array of hash values in expected O(n): one counting pass and one
   * scatter by the top bits into about one bucket per value, then insertion sort inside each
   * bucket. Hash outputs are uniform, so buckets hold about one value; a crowded bucket (more than
   * 32, only for clustered input) is sorted with {@link Arrays#sort}, so the worst case stays
   * O(n log n). Flipping the sign bit makes the buckets follow signed order.
   */
  static void sortHashed(long[] a) {
    int n = a.length;
    if (n < 64) {
      Arrays.sort(a);
      return;
    }
    int bits = 31 - Integer.numberOfLeadingZeros(n);
    int shift = 64 - bits;
    int[] next = new int[(1 << bits) + 1];
    for (long x : a) {
      next[(int) ((x ^ Long.MIN_VALUE) >>> shift) + 1]++;
    }
    for (int k = 1; k < next.length; k++) {
      next[k] += next[k - 1];
    }
    long[] out = new long[n];
    for (long x : a) {
      out[next[(int) ((x ^ Long.MIN_VALUE) >>> shift)]++] = x;
    }
    // next[k] is now the end of bucket k, which is also where bucket k + 1 starts.
    int lo = 0;
    for (int k = 0; k < next.length - 1; k++) {
      int hi = next[k];
      if (hi - lo > 32) {
        Arrays.sort(out, lo, hi);
      } else {
        for (int i = lo + 1; i < hi; i++) {
          long x = out[i];
          int j = i - 1;
          while (j >= lo && out[j] > x) {
            out[j + 1] = out[j];
            j--;
          }
          out[j + 1] = x;
        }
      }
      lo = hi;
    }
    System.arraycopy(out, 0, a, 0, n);
  }

  /** True when a ring over {@code others} would have exactly these points and owners. */
  boolean sameMembers(Server[] others, int vnodes) {
    if (vnodes != vnodesPerWeight || others.length != members.length) {
      return false;
    }
    for (int i = 0; i < others.length; i++) {
      if (others[i].weight() != members[i].weight() || !others[i].id().equals(members[i].id())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The index of the point a hash belongs to: the first point >= h, wrapping to 0. A binary
   * search; pickers use {@link RingIndex} instead, which is O(1) on average.
   */
  static int locate(long[] points, long h) {
    return locate(points, h, 0, points.length);
  }

  /** The first index in [lo, hi) whose point is >= h, else hi (wrapped to 0 when it is the end). */
  static int locate(long[] points, long h, int lo, int hi) {
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid] < h) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }
}
