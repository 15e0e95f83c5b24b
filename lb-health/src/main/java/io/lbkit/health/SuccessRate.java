package io.lbkit.health;

import io.lbkit.internal.Checks;

/**
 * Success-rate ejection (Envoy, gRPC's {@code SuccessRateEjection}): once per interval, over the
 * servers with at least {@code requestVolume} calls in it, and only if there are at least {@code
 * minimumHosts} of them, a server whose success rate is below mean − {@code stdevFactor} × the
 * population standard deviation is ejected. Absent from a {@link HealthConfig}, it is off.
 *
 * <p>Golden case (defaults): rates {100, 100, 100, 100, 50} give mean 90, stdev 20, threshold 52.
 *
 * @param requestVolume calls a server needs in the interval to count (default 100)
 * @param minimumHosts servers with enough calls needed to evaluate at all (default 5)
 * @param stdevFactor standard deviations below the mean that eject (default 1.9)
 */
public record SuccessRate(int requestVolume, int minimumHosts, double stdevFactor) {
  /** Calls a server needs in the interval to count, by default (Envoy's and gRPC's). */
  public static final int DEFAULT_REQUEST_VOLUME = 100;
  /** Servers with enough calls needed to evaluate at all, by default. */
  public static final int DEFAULT_MINIMUM_HOSTS = 5;
  /** Standard deviations below the mean that eject, by default (Envoy's 1900 / 1000). */
  public static final double DEFAULT_STDEV_FACTOR = 1.9;

  private static final SuccessRate DEFAULTS = builder().build();

  /**
   * Validates every setting.
   *
   * @param requestVolume calls a server needs in the interval to count, {@code > 0}
   * @param minimumHosts servers with enough calls needed to evaluate at all, {@code > 0}
   * @param stdevFactor standard deviations below the mean that eject, {@code > 0} and finite
   * @throws IllegalArgumentException if a setting is out of range
   */
  public SuccessRate {
    Checks.positive(requestVolume, "requestVolume");
    Checks.positive(minimumHosts, "minimumHosts");
    Checks.positive(stdevFactor, "stdevFactor");
  }

  /** {@return the defaults: 100 calls, 5 hosts, 1.9 standard deviations} */
  public static SuccessRate defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SuccessRate}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int requestVolume = DEFAULT_REQUEST_VOLUME;
    private int minimumHosts = DEFAULT_MINIMUM_HOSTS;
    private double stdevFactor = DEFAULT_STDEV_FACTOR;

    private Builder() {}

    /**
     * Sets how many calls a server needs in the interval to count (default 100).
     *
     * @param n {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is not positive
     */
    public Builder requestVolume(int n) {
      requestVolume = Checks.positive(n, "requestVolume");
      return this;
    }

    /**
     * Sets how many servers with enough calls are needed to evaluate at all (default 5).
     *
     * @param n {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is not positive
     */
    public Builder minimumHosts(int n) {
      minimumHosts = Checks.positive(n, "minimumHosts");
      return this;
    }

    /**
     * Sets how many standard deviations below the mean eject (default 1.9).
     *
     * @param factor {@code > 0} and finite
     * @return this builder
     * @throws IllegalArgumentException if {@code factor} is not positive or not finite
     */
    public Builder stdevFactor(double factor) {
      stdevFactor = Checks.positive(factor, "stdevFactor");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     */
    public SuccessRate build() {
      return new SuccessRate(requestVolume, minimumHosts, stdevFactor);
    }
  }
}
