package io.lbkit.health;

import io.lbkit.internal.Checks;

/**
 * Latency ejection (no peer has it; envoy#288): once per interval, over the servers with at least
 * {@code requestVolume} calls in it, and only if there are at least {@code minimumHosts} of them,
 * a server whose latency stays above {@code factor} × the median is ejected. A server's latency
 * here is min(its EWMA now, its mean over the interval): both must be high, so neither one late
 * spike nor an early one that has since decayed ejects. Absent from a {@link HealthConfig}, it is
 * off.
 *
 * @param factor multiple of the median that ejects, finite and above 1 (default 5)
 * @param minimumHosts servers with enough calls needed to evaluate at all (default 5)
 * @param requestVolume calls a server needs in the interval to count (default 50)
 */
public record LatencyEjection(double factor, int minimumHosts, int requestVolume) {
  /** The multiple of the median latency that ejects, by default. */
  public static final double DEFAULT_FACTOR = 5.0;
  /** Servers with enough calls needed to evaluate at all, by default. */
  public static final int DEFAULT_MINIMUM_HOSTS = 5;
  /** Calls a server needs in the interval to count, by default. */
  public static final int DEFAULT_REQUEST_VOLUME = 50;

  private static final LatencyEjection DEFAULTS = builder().build();

  /**
   * Validates every setting.
   *
   * @param factor multiple of the median that ejects, finite and above 1
   * @param minimumHosts servers with enough calls needed to evaluate at all, {@code > 0}
   * @param requestVolume calls a server needs in the interval to count, {@code > 0}
   * @throws IllegalArgumentException if a setting is out of range
   */
  public LatencyEjection {
    ConfigChecks.latencyFactor(factor);
    Checks.positive(minimumHosts, "minimumHosts");
    Checks.positive(requestVolume, "requestVolume");
  }

  /** {@return the defaults: 5 × the median, at least 50 calls, on at least 5 hosts} */
  public static LatencyEjection defaults() {
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

  /** Builds a {@link LatencyEjection}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private double factor = DEFAULT_FACTOR;
    private int minimumHosts = DEFAULT_MINIMUM_HOSTS;
    private int requestVolume = DEFAULT_REQUEST_VOLUME;

    private Builder() {}

    /**
     * Sets the multiple of the median latency that ejects (default 5).
     *
     * @param factor finite and above 1
     * @return this builder
     * @throws IllegalArgumentException if {@code factor} is not above 1 or not finite
     */
    public Builder factor(double factor) {
      this.factor = ConfigChecks.latencyFactor(factor);
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
     * Sets how many calls a server needs in the interval to count (default 50).
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
     * Builds the settings.
     *
     * @return the immutable settings
     */
    public LatencyEjection build() {
      return new LatencyEjection(factor, minimumHosts, requestVolume);
    }
  }
}
