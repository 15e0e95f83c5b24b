package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;

/**
 * Key hash ("IP hash"): a request's precomputed 64-bit key hash is reduced onto the candidates, so
 * one key always reaches one server while the candidate set stays the same. Any change of the set
 * remaps most keys; use {@code consistentHash()}, {@code maglev()} or {@code rendezvous()} when
 * keys should stay put.
 *
 * <p>Weights are honoured in O(1) with an alias table (Vose) that uses the hash as its randomness:
 * the top 32 bits choose a column, the low 32 bits flip the column's biased coin. With equal
 * weights every coin always keeps its column and the mapping is a plain multiply-high reduction.
 * A request without a key gets a random position (weighted random). Excluded servers are passed
 * over by walking to the next candidate. The slow-start ramp is not applied: key affinity wins,
 * as in Envoy, whose slow start covers only round robin and least request.
 */
final class HashStrategy implements Strategy {
  static final HashStrategy INSTANCE = new HashStrategy();

  private HashStrategy() {}

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    return new HashPicker(candidates);
  }

  /** Key affinity wins over slow start: the table ignores the ramp, so ramp steps rebuild nothing. */
  @Override
  public boolean usesRamp() {
    return false;
  }

  @Override
  public String toString() {
    return "hash";
  }

  static final class HashPicker implements Picker {
    private static final long ONE = 1L << 32;

    private final Server[] servers;
    private final RandomSource random;
    /** Per column: keep the column when the low 32 bits are below this; null when all equal. */
    private final long[] keep;
    private final int[] alias;

    HashPicker(Candidates c) {
      int n = c.size();
      this.servers = c.servers().toArray(new Server[0]);
      this.random = c.random();
      boolean equal = true;
      for (int i = 1; i < n && equal; i++) {
        equal = c.weight(i) == c.weight(0);
      }
      if (equal) {
        keep = null;
        alias = null;
      } else {
        keep = new long[n];
        alias = new int[n];
        buildAlias(c, keep, alias);
      }
    }

    /*
     * Vose's alias method. Scale each weight to p_i = n * w_i / W (mean 1). Columns with p < 1
     * ("small") are topped up by one column with p >= 1 ("large"), which gives away 1 - p_small
     * and goes back to the small or large list. Afterwards column i keeps itself with probability
     * keep_i / 2^32 and otherwise yields alias_i; each server's total probability is w_i / W.
     * Weights are summed in double, so Integer.MAX_VALUE x many servers cannot overflow.
     */
    private static void buildAlias(Candidates c, long[] keep, int[] alias) {
      int n = c.size();
      double total = 0;
      for (int i = 0; i < n; i++) {
        total += c.weight(i);
      }
      double[] p = new double[n];
      int[] small = new int[n];
      int[] large = new int[n];
      int ns = 0;
      int nl = 0;
      for (int i = 0; i < n; i++) {
        p[i] = c.weight(i) * (double) n / total;
        if (p[i] < 1.0) {
          small[ns++] = i;
        } else {
          large[nl++] = i;
        }
      }
      while (ns > 0 && nl > 0) {
        int s = small[--ns];
        int l = large[--nl];
        keep[s] = Math.min(ONE, Math.round(p[s] * ONE));
        alias[s] = l;
        p[l] = (p[l] + p[s]) - 1.0;
        if (p[l] < 1.0) {
          small[ns++] = l;
        } else {
          large[nl++] = l;
        }
      }
      // Leftovers are 1 up to rounding error: they keep their column.
      while (nl > 0) {
        int l = large[--nl];
        keep[l] = ONE;
        alias[l] = l;
      }
      while (ns > 0) {
        int s = small[--ns];
        keep[s] = ONE;
        alias[s] = s;
      }
    }

    @Override
    public Server pick(Request request) {
      Server[] s = servers;
      long h = HashKeys.position(request, random);
      int i = HashKeys.reduce(h, s.length);
      long[] k = keep;
      if (k != null && (h & 0xFFFF_FFFFL) >= k[i]) {
        i = alias[i];
      }
      if (!request.hasExclusions()) {
        return s[i];
      }
      int j = HashKeys.nextAllowed(s, i, request);
      return j < 0 ? null : s[j];
    }
  }
}
