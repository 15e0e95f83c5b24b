package io.lbkit.health;

import io.lbkit.internal.Checks;

/**
 * Failure-percentage ejection (Envoy, gRPC's {@code FailurePercentageEjection}): once per
 * interval, over the servers with at least {@code requestVolume} calls in it, and only if there
 * are at least {@code minimumHosts} of them, a server whose failures are at least {@code
 * thresholdPercent} of its calls is ejected. Absent from a {@link HealthConfig}, it is off.
 *
 * @param thresholdPercent failure share in (0, 100] that ejects (default 85)
 * @param minimumHosts servers with enough calls needed to evaluate at all (default 5)
 * @param requestVolume calls a server needs in the interval to count (default 50)
 */
public record FailurePercentage(double thresholdPercent, int minimumHosts, int requestVolume) {
  /** The failure share that ejects, by default, in percent (Envoy's and gRPC's). */
  public static final double DEFAULT_THRESHOLD_PERCENT = 85.0;
  /** Servers with enough calls needed to evaluate at all, by default. */
  public static final int DEFAULT_MINIMUM_HOSTS = 5;
  /** Calls a server needs in the interval to count, by default. */
  public static final int DEFAULT_REQUEST_VOLUME = 50;

  private static final FailurePercentage DEFAULTS = builder().build();

  /**
   * Validates every setting.
   *
   * @param thresholdPercent failure share that ejects, in (0, 100]
   * @param minimumHosts servers with enough calls needed to evaluate at all, {@code > 0}
   * @param requestVolume calls a server needs in the interval to count, {@code > 0}
   * @throws IllegalArgumentException if a setting is out of range
   */
  public FailurePercentage {
    ConfigChecks.percentAboveZero(thresholdPercent, "thresholdPercent");
    Checks.positive(minimumHosts, "minimumHosts");
    Checks.positive(requestVolume, "requestVolume");
  }

  /** {@return the defaults: 85% of at least 50 calls, on at least 5 hosts} */
  public static FailurePercentage defaults() {
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

  /** Builds a {@link FailurePercentage}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private double thresholdPercent = DEFAULT_THRESHOLD_PERCENT;
    private int minimumHosts = DEFAULT_MINIMUM_HOSTS;
    private int requestVolume = DEFAULT_REQUEST_VOLUME;

    private Builder() {}

    /**
     * Sets the failure share that ejects (default 85).
     *
     * @param percent in (0, 100]
     * @return this builder
     * @throws IllegalArgumentException if {@code percent} is outside (0, 100]
     */
    public Builder thresholdPercent(double percent) {
      thresholdPercent = ConfigChecks.percentAboveZero(percent, "thresholdPercent");
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
    public FailurePercentage build() {
      return new FailurePercentage(thresholdPercent, minimumHosts, requestVolume);
    }
  }
}
