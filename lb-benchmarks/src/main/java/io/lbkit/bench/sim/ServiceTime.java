package io.lbkit.bench.sim;

import java.util.SplittableRandom;

/**
 * How long one call takes a server to serve when it has a free slot, around a mean.
 *
 * <pre>
 * exponential(m):    -m ln(1 - U)
 * lognormal(m, s):   exp(mu + s Z), mu = ln m - s^2 / 2, so that E = m (Z standard normal)
 * constant(m):       m
 * </pre>
 * A lognormal with s = 0.5 has p99 ~ 2.9 x its median: a realistic RPC tail without the
 * exponential's mass near zero.
 */
public record ServiceTime(Kind kind, double meanMillis, double sigma) {

  public enum Kind { CONSTANT, EXPONENTIAL, LOGNORMAL }

  public static final double DEFAULT_SIGMA = 0.5;

  public ServiceTime {
    if (!(meanMillis > 0)) {
      throw new IllegalArgumentException("meanMillis: " + meanMillis + " (expected: > 0)");
    }
    if (!(sigma >= 0)) {
      throw new IllegalArgumentException("sigma: " + sigma + " (expected: >= 0)");
    }
  }

  public static ServiceTime lognormal(double meanMillis) {
    return new ServiceTime(Kind.LOGNORMAL, meanMillis, DEFAULT_SIGMA);
  }

  public static ServiceTime exponential(double meanMillis) {
    return new ServiceTime(Kind.EXPONENTIAL, meanMillis, 0);
  }

  public static ServiceTime constant(double meanMillis) {
    return new ServiceTime(Kind.CONSTANT, meanMillis, 0);
  }

  /** One draw, in nanoseconds (at least 1). */
  public long sampleNanos(SplittableRandom random) {
    double ms;
    switch (kind) {
      case EXPONENTIAL:
        ms = -meanMillis * Math.log(1.0 - random.nextDouble());
        break;
      case LOGNORMAL:
        double mu = Math.log(meanMillis) - sigma * sigma / 2;
        ms = Math.exp(mu + sigma * gaussian(random));
        break;
      default:
        ms = meanMillis;
    }
    return Math.max(1L, (long) (ms * 1e6));
  }

  /** The median in milliseconds (the lognormal's is below its mean). */
  public double medianMillis() {
    switch (kind) {
      case EXPONENTIAL:
        return meanMillis * Math.log(2);
      case LOGNORMAL:
        return Math.exp(Math.log(meanMillis) - sigma * sigma / 2);
      default:
        return meanMillis;
    }
  }

  /** Box-Muller, one of the pair (the other is dropped so that draws stay one per call). */
  static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + Report.num(meanMillis) + " ms)";
  }
}
