package io.lbkit.strategy;

import io.lbkit.spi.Candidates;

/**
 * Vose's alias method: a table built in O(N) on the write path from which a weighted index is
 * drawn in O(1) with one 64-bit random draw and one array load.
 *
 * <pre>
 * Scale the weights to p_i = e_i x N / E (mean 1). Repeatedly pair a "small" column (p < 1)
 * with a "large" one (p >= 1): the small column keeps probability p_s of returning itself and
 * sends the rest, 1 - p_s, to the large one (its alias), whose p drops by 1 - p_s. Every column
 * then holds exactly 1/N of the mass, split between itself and at most one alias, so
 *   P(i) = (1/N) x (p_i' + sum over columns c aliased to i of (1 - p_c')) = e_i / E.
 * A draw: column c = index(high 32 bits, N); accept c if the low 32 bits < p_c' x 2^32, else
 * return alias(c). Threshold and alias are packed in one long (33 + 31 bits): one load.
 * Weights are doubles, so huge integer weights or slow-start fractions need no special case;
 * the threshold's 2^-32 resolution bounds each probability's error by 2^-32 / N.
 * Equal weights need no table: the column is the answer, so a draw is the reduction alone (and a
 * key hash drawn through it maps exactly as a plain multiply-high reduction would).
 * </pre>
 *
 * <p>The one weighted draw of this module: weighted random over effective weights, key hash over
 * configured weights (key affinity ignores the ramp).
 */
final class AliasTable {
  private static final long ALWAYS = 1L << 32;
  private static final long THRESHOLD_MASK = (1L << 33) - 1;

  private final int size;
  private final long[] table; // null when every weight is equal

  /**
   * A table over the candidates' effective weights (weight x slow-start ramp) when {@code ramped},
   * else over their configured weights.
   */
  static AliasTable of(Candidates c, boolean ramped) {
    double[] w = new double[c.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = ramped ? c.effectiveWeight(i) : c.weight(i);
    }
    return new AliasTable(w);
  }

  AliasTable(double[] weights) {
    int n = weights.length;
    this.size = n;
    boolean equal = true;
    for (int i = 1; i < n && equal; i++) {
      equal = weights[i] == weights[0];
    }
    this.table = equal ? null : build(weights);
  }

  private static long[] build(double[] weights) {
    int n = weights.length;
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double[] p = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int ns = 0;
    int nl = 0;
    for (int i = 0; i < n; i++) {
      p[i] = weights[i] * n / total;
      if (p[i] < 1.0) {
        small[ns++] = i;
      } else {
        large[nl++] = i;
      }
    }
    long[] t = new long[n];
    while (ns > 0 && nl > 0) {
      int s = small[--ns];
      int l = large[nl - 1];
      t[s] = pack((long) (p[s] * ALWAYS), l);
      p[l] -= 1.0 - p[s];
      if (p[l] < 1.0) {
        nl--;
        small[ns++] = l;
      }
    }
    // What is left holds (up to rounding) exactly 1: it always returns itself.
    while (nl > 0) {
      int l = large[--nl];
      t[l] = pack(ALWAYS, l);
    }
    while (ns > 0) {
      int s = small[--ns];
      t[s] = pack(ALWAYS, s);
    }
    return t;
  }

  private static long pack(long threshold, int alias) {
    return ((long) alias << 33) | threshold;
  }

  /** A weighted index from one uniform 64-bit draw. */
  int draw(long r) {
    long[] t = table;
    int c = Draw.index(r >>> 32, size);
    if (t == null) {
      return c;
    }
    long e = t[c];
    // Branch-free: the coin is a fair 50/50 for many columns, which a branch would mispredict.
    int keep = (int) (((r & 0xFFFF_FFFFL) - (e & THRESHOLD_MASK)) >> 63); // -1: coin < threshold
    return (c & keep) | ((int) (e >>> 33) & ~keep);
  }

  /** The probability this table gives index {@code i} (for tests). */
  double probability(int i) {
    int n = size;
    if (table == null) {
      return 1.0 / n;
    }
    double sum = 0;
    for (int c = 0; c < n; c++) {
      long e = table[c];
      double keep = (e & THRESHOLD_MASK) / (double) ALWAYS;
      if (c == i) {
        sum += keep;
      }
      if ((int) (e >>> 33) == i) {
        sum += 1.0 - keep;
      }
    }
    return sum / n;
  }

  int size() {
    return size;
  }

  /** Whether all weights are equal, so that a draw is a plain reduction (for tests). */
  boolean isUniform() {
    return table == null;
  }
}
