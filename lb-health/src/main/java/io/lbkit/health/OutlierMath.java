package io.lbkit.health;

import java.util.Arrays;

/**
 * The statistics behind interval ejection, as pure functions.
 *
 * <pre>
 * Success rate (Envoy, gRPC): over the hosts with at least the request volume in the interval,
 *   mean  = sum(rate_i) / n
 *   stdev = sqrt(sum((rate_i - mean)^2) / n)          (population standard deviation)
 *   eject host i when rate_i < mean - factor * stdev
 * Golden case: rates {100, 100, 100, 100, 50} -> mean 90, stdev 20, threshold 90 - 1.9*20 = 52.
 *
 * Latency: over the hosts with at least the request volume,
 *   eject host i when latency_i > factor * median(latency)
 * The median (not the mean) so that the outlier itself cannot drag the threshold up.
 * </pre>
 */
final class OutlierMath {
  private OutlierMath() {}

  /** mean − factor × population stdev of {@code values}; {@code values} non-empty. */
  static double successRateThreshold(double[] values, double factor) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / values.length;
    double sq = 0;
    for (double v : values) {
      sq += (v - mean) * (v - mean);
    }
    return mean - factor * Math.sqrt(sq / values.length);
  }

  /** The median of {@code values} (the mean of the middle two for an even count). */
  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return (n & 1) == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  }
}
