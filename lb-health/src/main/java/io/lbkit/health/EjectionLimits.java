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
 * an ejection is allowed when (ejected + 1) × 100 &lt;= maxPercent × total, the server about to
 *   be ejected counted (envoy#27066), or when nothing is ejected and alwaysAllowOne is set.
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
  /** The first ejection's length, by default (Envoy's {@code base_ejection_time}). */
  public static final Duration DEFAULT_BASE_TIME = Duration.ofSeconds(30);
  /** The cap on an ejection's length, by default (Envoy's {@code max_ejection_time}). */
  public static final Duration DEFAULT_MAX_TIME = Duration.ofSeconds(300);
  /** The bound of the random extra per ejection, by default: none. */
  public static final Duration DEFAULT_JITTER = Duration.ZERO;
  /** The largest share of the pool passive detection may eject, by default, in percent. */
  public static final double DEFAULT_MAX_PERCENT = 10.0;
  /** Whether the first ejection is allowed whatever the share, by default. */
  public static final boolean DEFAULT_ALWAYS_ALLOW_ONE = true;

  private static final EjectionLimits DEFAULTS = builder().build();

  /**
   * Validates every setting.
   *
   * @param baseTime the first ejection's length, in (0, 365 days]
   * @param maxTime the cap on an ejection's length, in [{@code baseTime}, 365 days]
   * @param jitter the bound of the random extra per ejection, in [0, 365 days]
   * @param maxPercent the largest share of the pool passive detection may eject, in [0, 100]
   * @param alwaysAllowOne whether the first ejection is allowed whatever the share
   * @throws NullPointerException if a duration is null
   * @throws IllegalArgumentException if a setting is out of range or {@code maxTime} is below
   *     {@code baseTime}
   */
  public EjectionLimits {
    Checks.positive(baseTime, "baseTime");
    Checks.positive(maxTime, "maxTime");
    Checks.nonNegative(jitter, "jitter");
    ConfigChecks.percent(maxPercent, "maxPercent");
    Checks.argument(maxTime.compareTo(baseTime) >= 0, "maxTime", maxTime,
        ">= baseTime " + baseTime);
  }

  /** {@return the defaults: 30 s × k up to 300 s, no jitter, 10%, the first one always allowed} */
  public static EjectionLimits defaults() {
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

  /** Builds {@link EjectionLimits}; each setter validates at once, {@code build()} the rest. */
  public static final class Builder {
    private Duration baseTime = DEFAULT_BASE_TIME;
    private Duration maxTime = DEFAULT_MAX_TIME;
    private Duration jitter = DEFAULT_JITTER;
    private double maxPercent = DEFAULT_MAX_PERCENT;
    private boolean alwaysAllowOne = DEFAULT_ALWAYS_ALLOW_ONE;

    private Builder() {}

    /**
     * Sets the first ejection's length (default 30 s); the k-th in a row lasts k times it.
     *
     * @param d in (0, 365 days], at most the max time (checked by {@link #build()})
     * @return this builder
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException if {@code d} is zero, negative or above 365 days
     */
    public Builder baseTime(Duration d) {
      baseTime = Checks.positive(d, "baseTime");
      return this;
    }

    /**
     * Sets the cap on an ejection's length (default 300 s).
     *
     * @param d in (0, 365 days], at least the base time (checked by {@link #build()})
     * @return this builder
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException if {@code d} is zero, negative or above 365 days
     */
    public Builder maxTime(Duration d) {
      maxTime = Checks.positive(d, "maxTime");
      return this;
    }

    /**
     * Sets the bound of the random extra added to each ejection (default 0).
     *
     * @param d in [0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException if {@code d} is negative or above 365 days
     */
    public Builder jitter(Duration d) {
      jitter = Checks.nonNegative(d, "jitter");
      return this;
    }

    /**
     * Sets the largest share of the pool passive detection may eject (default 10), the server about
     * to be ejected counted.
     *
     * @param percent in [0, 100]
     * @return this builder
     * @throws IllegalArgumentException if {@code percent} is outside [0, 100]
     */
    public Builder maxPercent(double percent) {
      maxPercent = ConfigChecks.percent(percent, "maxPercent");
      return this;
    }

    /**
     * Sets whether the first ejection is allowed whatever the share (default true, as Envoy
     * documents); false makes {@code maxPercent} strict, so a small pool may eject nothing.
     *
     * @param allow whether one ejection is always allowed while nothing is ejected
     * @return this builder
     */
    public Builder alwaysAllowOne(boolean allow) {
      alwaysAllowOne = allow;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     * @throws IllegalArgumentException when {@code maxTime} is below {@code baseTime}
     */
    public EjectionLimits build() {
      return new EjectionLimits(baseTime, maxTime, jitter, maxPercent, alwaysAllowOne);
    }
  }
}
