package io.lbkit.strategy;

import io.lbkit.spi.Candidates;
import java.util.Arrays;

/**
 * Builds, on the write path, one full cycle of nginx's smooth weighted round robin as an array of
 * candidate indices, so that a pick is one cursor step and one array load.
 *
 * <pre>
 * nginx's smooth WRR, over integer weights w_i with total L: each step adds w_i to every
 * server's "current", picks the largest current (the lowest index among equals) and subtracts L
 * from it. After L steps every current is back to 0 and server i was picked exactly w_i times,
 * spread out (weights 5,1,1 give a a b a c a a), so one cycle of L entries is the whole schedule.
 *
 * Building it in O(L x D + N log N) rather than O(L x N), D = number of distinct weights:
 * at step t (1-based), current_i = t * w_i - k_i * L, k_i = picks of i so far. Servers of equal
 * weight w gain the same each step, so among them the one picked next is the one with the fewest
 * picks, lowest index first: they take turns in index order. A group of m equal-weight servers
 * that has been picked g times therefore offers member (g mod m) with current
 * t * w - floor(g / m) * L, and the step only compares the D groups' offers.
 *
 * Size and exactness. Weights are divided by their gcd first (equal weights of any size give a
 * plain rotation of N entries). The cycle is exact (each server exactly w_i / L of the picks,
 * within one pick per cycle at any point) when nothing is ramping, L <= MAX_EXACT_LENGTH (65 536)
 * and L x D <= BUILD_BUDGET (2^24 steps, a few ms). Otherwise (huge or many distinct weights,
 * or slow-start factors, which make weights fractional) the effective weights e_i are scaled to
 * integers round(e_i / E x T), at least 1, with
 *   T = min(MAX_EXACT_LENGTH, N x SLOTS_PER_SERVER, BUILD_BUDGET / D), and at least N,
 * so a server's share is off by at most about 1 / (2T) of all picks (T = 65 536: 0.0008
 * percentage points), except that a server whose share is below 1/(2T) still gets one slot.
 * Weights are summed as longs and scaled as doubles: Integer.MAX_VALUE x 1000 servers cannot
 * overflow.
 * </pre>
 */
final class SmoothSchedule {
  static final int MAX_EXACT_LENGTH = 1 << 16;
  static final long BUILD_BUDGET = 1L << 24;
  static final int SLOTS_PER_SERVER = 1024;

  private SmoothSchedule() {}

  /** One cycle over the candidates' effective weights. */
  static int[] of(Candidates c) {
    return smooth(integerWeights(c));
  }

  /** The integer weights the schedule is built from (reduced by their gcd). */
  static long[] integerWeights(Candidates c) {
    int n = c.size();
    long[] w = new long[n];
    if (!c.isRamping()) {
      for (int i = 0; i < n; i++) {
        w[i] = c.weight(i);
      }
      reduceByGcd(w);
      long total = sum(w);
      if (total <= MAX_EXACT_LENGTH && total * distinct(w) <= BUILD_BUDGET) {
        return w;
      }
    }
    double[] e = new double[n];
    for (int i = 0; i < n; i++) {
      e[i] = c.effectiveWeight(i);
    }
    return scaled(e);
  }

  static long[] scaled(double[] e) {
    int n = e.length;
    double total = 0;
    for (double x : e) {
      total += x;
    }
    double[] sorted = e.clone();
    Arrays.sort(sorted);
    int d = 1;
    for (int i = 1; i < n; i++) {
      d += sorted[i] != sorted[i - 1] ? 1 : 0;
    }
    long target = Math.min(MAX_EXACT_LENGTH,
        Math.min((long) n * SLOTS_PER_SERVER, BUILD_BUDGET / d));
    target = Math.max(target, n);
    long[] w = new long[n];
    for (int i = 0; i < n; i++) {
      w[i] = Math.max(1L, Math.round(e[i] / total * target));
    }
    reduceByGcd(w);
    return w;
  }

  /** One smooth cycle over {@code w} (positive, summing to at most a few times 2^16). */
  static int[] smooth(long[] w) {
    int n = w.length;
    int length = Math.toIntExact(sum(w));
    // Members sorted by (weight, index): each distinct weight is one contiguous group.
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = (w[i] << 32) | i;
    }
    Arrays.sort(keys);
    int[] members = new int[n];
    long[] groupWeight = new long[n];
    int[] groupStart = new int[n + 1];
    int groups = 0;
    for (int i = 0; i < n; i++) {
      members[i] = (int) keys[i];
      long wi = keys[i] >>> 32;
      if (groups == 0 || groupWeight[groups - 1] != wi) {
        groupWeight[groups] = wi;
        groupStart[groups] = i;
        groups++;
      }
    }
    groupStart[groups] = n;
    long[] rounds = new long[groups]; // floor(g / m): picks of each member not yet at the turn
    int[] turn = new int[groups]; // g mod m: which member offers itself next
    int[] schedule = new int[length];
    for (int t = 1; t <= length; t++) {
      int best = -1;
      long bestCurrent = 0;
      int bestIndex = 0;
      for (int d = 0; d < groups; d++) {
        long current = t * groupWeight[d] - rounds[d] * length;
        int index = members[groupStart[d] + turn[d]];
        if (best < 0 || current > bestCurrent || (current == bestCurrent && index < bestIndex)) {
          best = d;
          bestCurrent = current;
          bestIndex = index;
        }
      }
      schedule[t - 1] = bestIndex;
      if (++turn[best] == groupStart[best + 1] - groupStart[best]) {
        turn[best] = 0;
        rounds[best]++;
      }
    }
    return schedule;
  }

  /** Divides {@code w} (positive) by its gcd, in place; ORCA's stride cycle uses it too. */
  static void reduceByGcd(long[] w) {
    long g = 0;
    for (long x : w) {
      g = gcd(g, x);
    }
    if (g > 1) {
      for (int i = 0; i < w.length; i++) {
        w[i] /= g;
      }
    }
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  private static long sum(long[] w) {
    long s = 0;
    for (long x : w) {
      s += x;
    }
    return s;
  }

  private static long distinct(long[] w) {
    long[] sorted = w.clone();
    Arrays.sort(sorted);
    long d = 1;
    for (int i = 1; i < sorted.length; i++) {
      d += sorted[i] != sorted[i - 1] ? 1 : 0;
    }
    return d;
  }
}
