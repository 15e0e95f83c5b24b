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
  public static final int DEFAULT_REQUEST_VOLUME = 100;
  public static final int DEFAULT_MINIMUM_HOSTS = 5;
  public static final double DEFAULT_STDEV_FACTOR = 1.9;

  private static final SuccessRate DEFAULTS = builder().build();

  public SuccessRate {
    Checks.positive(requestVolume, "requestVolume");
    Checks.positive(minimumHosts, "minimumHosts");
    Checks.positive(stdevFactor, "stdevFactor");
  }

  public static SuccessRate defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SuccessRate}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int requestVolume = DEFAULT_REQUEST_VOLUME;
    private int minimumHosts = DEFAULT_MINIMUM_HOSTS;
    private double stdevFactor = DEFAULT_STDEV_FACTOR;

    private Builder() {}

    public Builder requestVolume(int n) {
      requestVolume = Checks.positive(n, "requestVolume");
      return this;
    }

    public Builder minimumHosts(int n) {
      minimumHosts = Checks.positive(n, "minimumHosts");
      return this;
    }

    public Builder stdevFactor(double factor) {
      stdevFactor = Checks.positive(factor, "stdevFactor");
      return this;
    }

    public SuccessRate build() {
      return new SuccessRate(requestVolume, minimumHosts, stdevFactor);
    }
  }
}
