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
  public static final double DEFAULT_THRESHOLD_PERCENT = 85.0;
  public static final int DEFAULT_MINIMUM_HOSTS = 5;
  public static final int DEFAULT_REQUEST_VOLUME = 50;

  private static final FailurePercentage DEFAULTS = builder().build();

  public FailurePercentage {
    ConfigChecks.percentAboveZero(thresholdPercent, "thresholdPercent");
    Checks.positive(minimumHosts, "minimumHosts");
    Checks.positive(requestVolume, "requestVolume");
  }

  public static FailurePercentage defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link FailurePercentage}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private double thresholdPercent = DEFAULT_THRESHOLD_PERCENT;
    private int minimumHosts = DEFAULT_MINIMUM_HOSTS;
    private int requestVolume = DEFAULT_REQUEST_VOLUME;

    private Builder() {}

    public Builder thresholdPercent(double percent) {
      thresholdPercent = ConfigChecks.percentAboveZero(percent, "thresholdPercent");
      return this;
    }

    public Builder minimumHosts(int n) {
      minimumHosts = Checks.positive(n, "minimumHosts");
      return this;
    }

    public Builder requestVolume(int n) {
      requestVolume = Checks.positive(n, "requestVolume");
      return this;
    }

    public FailurePercentage build() {
      return new FailurePercentage(thresholdPercent, minimumHosts, requestVolume);
    }
  }
}
