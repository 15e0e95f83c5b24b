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
  public static final double DEFAULT_FACTOR = 5.0;
  public static final int DEFAULT_MINIMUM_HOSTS = 5;
  public static final int DEFAULT_REQUEST_VOLUME = 50;

  private static final LatencyEjection DEFAULTS = builder().build();

  public LatencyEjection {
    ConfigChecks.latencyFactor(factor);
    Checks.positive(minimumHosts, "minimumHosts");
    Checks.positive(requestVolume, "requestVolume");
  }

  public static LatencyEjection defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link LatencyEjection}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private double factor = DEFAULT_FACTOR;
    private int minimumHosts = DEFAULT_MINIMUM_HOSTS;
    private int requestVolume = DEFAULT_REQUEST_VOLUME;

    private Builder() {}

    public Builder factor(double factor) {
      this.factor = ConfigChecks.latencyFactor(factor);
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

    public LatencyEjection build() {
      return new LatencyEjection(factor, minimumHosts, requestVolume);
    }
  }
}
