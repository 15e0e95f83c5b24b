package io.lbkit.health;

import io.lbkit.internal.Checks;
import java.time.Duration;

/**
 * How long a passive ejection lasts and how many servers may be out at once; it applies to every
 * passive detector (consecutive failures, success rate, failure percentage, latency). Active-check
 * ejections are not limited: a server whose checks fail is out whatever the share.
 *
 * <pre>
 * k-th ejection in a row lasts min(baseTime × k, max(baseTime, maxTime)) + random(0, jitter);
 *   k falls by one per interval the server spends wholly out of ejection (Envoy's rule).
 * an ejection is allowed when (ejected + 1) × 100 <= maxPercent × total, the server about to be
 *   ejected counted (envoy#27066), or when nothing is ejected and alwaysAllowOne is set.
 * </pre>
 *
 * @param baseTime the first ejection's length (default 30 s)
 * @param maxTime the cap on an ejection's length, at least {@code baseTime} (default 300 s)
 * @param jitter a random extra of up to this much per ejection (default 0)
 * @param maxPercent the largest share of the pool passive detection may eject, in [0, 100]
 *     (default 10)
 * @param alwaysAllowOne whether the first ejection is allowed whatever the share (default true,
 *     Envoy's documented behaviour)
 */
public record EjectionLimits(Duration baseTime, Duration maxTime, Duration jitter,
    double maxPercent, boolean alwaysAllowOne) {
  public static final Duration DEFAULT_BASE_TIME = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_TIME = Duration.ofSeconds(300);
  public static final Duration DEFAULT_JITTER = Duration.ZERO;
  public static final double DEFAULT_MAX_PERCENT = 10.0;
  public static final boolean DEFAULT_ALWAYS_ALLOW_ONE = true;

  private static final EjectionLimits DEFAULTS = builder().build();

  public EjectionLimits {
    Checks.positive(baseTime, "baseTime");
    Checks.positive(maxTime, "maxTime");
    Checks.nonNegative(jitter, "jitter");
    ConfigChecks.percent(maxPercent, "maxPercent");
    Checks.argument(maxTime.compareTo(baseTime) >= 0, "maxTime", maxTime,
        ">= baseTime " + baseTime);
  }

  public static EjectionLimits defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link EjectionLimits}; each setter validates at once, {@code build()} the rest. */
  public static final class Builder {
    private Duration baseTime = DEFAULT_BASE_TIME;
    private Duration maxTime = DEFAULT_MAX_TIME;
    private Duration jitter = DEFAULT_JITTER;
    private double maxPercent = DEFAULT_MAX_PERCENT;
    private boolean alwaysAllowOne = DEFAULT_ALWAYS_ALLOW_ONE;

    private Builder() {}

    public Builder baseTime(Duration d) {
      baseTime = Checks.positive(d, "baseTime");
      return this;
    }

    public Builder maxTime(Duration d) {
      maxTime = Checks.positive(d, "maxTime");
      return this;
    }

    public Builder jitter(Duration d) {
      jitter = Checks.nonNegative(d, "jitter");
      return this;
    }

    public Builder maxPercent(double percent) {
      maxPercent = ConfigChecks.percent(percent, "maxPercent");
      return this;
    }

    public Builder alwaysAllowOne(boolean allow) {
      alwaysAllowOne = allow;
      return this;
    }

    /** @throws IllegalArgumentException when {@code maxTime} is below {@code baseTime} */
    public EjectionLimits build() {
      return new EjectionLimits(baseTime, maxTime, jitter, maxPercent, alwaysAllowOne);
    }
  }
}
