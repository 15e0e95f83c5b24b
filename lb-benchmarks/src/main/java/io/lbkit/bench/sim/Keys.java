package io.lbkit.bench.sim;

import java.util.SplittableRandom;

/**
 * A skewed key population: key {@code k} (1-based rank) is drawn with probability proportional to
 * {@code 1 / k^s} (Zipf), and the top key alone takes {@code hotShare} of all draws on top of that
 * (the "one very hot key", say a celebrity account).
 *
 * <pre>
 * P(key 1) = hot + (1 - hot) / H,     P(key k) = (1 - hot) / (k^s H),  H = sum_{j<=n} j^-s
 * </pre>
 * Sampling: inverse CDF by binary search over a precomputed cumulative table.
 */
public final class Keys {
  private final int count;
  private final double exponent;
  private final double hotShare;
  private final double[] cdf;

  public Keys(int count, double exponent, double hotShare) {
    if (count < 1) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
    }
    if (!(hotShare >= 0 && hotShare < 1)) {
      throw new IllegalArgumentException("hotShare: " + hotShare + " (expected: in [0, 1))");
    }
    this.count = count;
    this.exponent = exponent;
    this.hotShare = hotShare;
    double h = 0;
    for (int k = 1; k <= count; k++) {
      h += Math.pow(k, -exponent);
    }
    cdf = new double[count];
    double acc = hotShare;
    for (int k = 1; k <= count; k++) {
      acc += (1 - hotShare) * Math.pow(k, -exponent) / h;
      cdf[k - 1] = acc;
    }
    cdf[count - 1] = 1.0;
  }

  /** A key rank in [1, count]. */
  int sample(SplittableRandom random) {
    double u = random.nextDouble();
    int lo = 0;
    int hi = count - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo + 1;
  }

  public int count() {
    return count;
  }

  /** The probability of the hottest key. */
  public double topShare() {
    return cdf[0];
  }

  @Override
  public String toString() {
    return count + " keys, Zipf s=" + Report.num(exponent) + ", hottest key "
        + Report.num(topShare() * 100) + "% of requests";
  }
}
