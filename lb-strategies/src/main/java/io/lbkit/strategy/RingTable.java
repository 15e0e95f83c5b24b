package io.lbkit.strategy;

import io.lbkit.Server;
import io.lbkit.internal.Hashing;
import java.util.Arrays;

/**
 * The sorted points of a ketama ring over a fixed list of members, and the owner of each point.
 * Built on the write path; immutable afterwards. Point positions depend only on a member's id and
 * its point number, never on the other members, which is what makes the ring consistent: adding
 * or removing a member adds or removes only that member's points.
 *
 * <pre>
 * Points of member m (id hash s_m = hash64(id)): p_{m,j} = hash64(j, s_m) for j in [0, count_m),
 *   count_m = vnodesPerWeight x weight_m, or, when the sum over members exceeds MAX_RING_POINTS,
 *   max(1, floor(vnodesPerWeight x weight_m x MAX_RING_POINTS / sum)).
 * A key with hash h belongs to the first point >= h (signed order), wrapping to the first point.
 * Sorting: each point's low b bits are replaced by the owner's index (b = bits for the member
 *   count), so one primitive long[] sort orders points and carries owners; 64 - b >= 44 bits of
 *   position remain, so two points of distinct members tie with probability ~ P^2 / 2^45.
 * </pre>
 */
final class RingTable {
  final Server[] members;
  final int vnodesPerWeight;
  final long[] points;
  /** Index into {@link #members} of each point's owner. */
  final int[] owners;

  private RingTable(Server[] members, int vnodesPerWeight, long[] points, int[] owners) {
    this.members = members;
    this.vnodesPerWeight = vnodesPerWeight;
    this.points = points;
    this.owners = owners;
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
    Arrays.sort(packed);
    int[] owners = new int[total];
    for (int i = 0; i < total; i++) {
      owners[i] = (int) (packed[i] & mask);
      packed[i] &= ~mask;
    }
    return new RingTable(members, vnodesPerWeight, packed, owners);
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

  /** The index of the point a hash belongs to: the first point >= h, wrapping to 0. */
  static int locate(long[] points, long h) {
    int lo = 0;
    int hi = points.length;
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
