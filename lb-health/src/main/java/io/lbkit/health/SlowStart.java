package io.lbkit.health;

import io.lbkit.internal.Checks;
import java.time.Duration;

/**
 * Slow start: a server that joins the pool after the monitor started, or comes back (ejection
 * over, checks passing again, breaker closed after its probes, drain undone), ramps its share up
 * over {@code window}, for every strategy (weighted ones multiply the factor into the weight;
 * unweighted ones accept a pick with that probability). Absent from a {@link HealthConfig}, a
 * server gets its full share at once.
 *
 * <pre>
 * factor(t) = max(min, (t / window)^(1 / aggression))   for 0 &lt;= t &lt; window; 1 afterwards
 * </pre>
 * (Envoy's formula; aggression 1 is linear, larger values ramp faster early.) The pickers are
 * rebuilt every {@link #stepNanos()} (window / 30) while anything ramps, so the published factor
 * lags the curve by at most one step.
 *
 * @param window how long the ramp lasts (default 30 s)
 * @param aggression the curve's exponent is 1 / aggression (default 1, linear)
 * @param minWeightPercent the floor of the factor, in (0, 100] (default 10)
 */
public record SlowStart(Duration window, double aggression, double minWeightPercent) {
  /** How long the ramp lasts, by default. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
  /** The curve's aggression, by default: linear. */
  public static final double DEFAULT_AGGRESSION = 1.0;
  /** The floor of the factor, by default, in percent (Envoy's {@code min_weight_percent}). */
  public static final double DEFAULT_MIN_WEIGHT_PERCENT = 10.0;
  static final int STEPS = 30;

  private static final SlowStart DEFAULTS = builder().build();

  /**
   * Validates every setting.
   *
   * @param window how long the ramp lasts, in (0, 365 days]
   * @param aggression the curve's exponent is 1 / aggression, {@code > 0} and finite
   * @param minWeightPercent the floor of the factor, in (0, 100]
   * @throws NullPointerException if {@code window} is null
   * @throws IllegalArgumentException if a setting is out of range
   */
  public SlowStart {
    Checks.positive(window, "window");
    Checks.positive(aggression, "aggression");
    ConfigChecks.percentAboveZero(minWeightPercent, "minWeightPercent");
  }

  /** {@return the defaults: 30 s, linear, from 10%} */
  public static SlowStart defaults() {
    return DEFAULTS;
  }

  /**
   * A ramp over {@code window} with the default curve (linear, from 10%).
   *
   * @param window how long the ramp lasts, in (0, 365 days]
   * @return the settings
   * @throws NullPointerException if {@code window} is null
   * @throws IllegalArgumentException if {@code window} is zero, negative or above 365 days
   */
  public static SlowStart over(Duration window) {
    return builder().window(window).build();
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The factor in (0, 1] after {@code elapsedNanos} of ramping. */
  double factor(long elapsedNanos) {
    long w = window.toNanos();
    if (elapsedNanos >= w) {
      return 1.0;
    }
    double t = Math.max(0.0, (double) elapsedNanos / w);
    return Math.min(1.0, Math.max(minWeightPercent / 100.0, Math.pow(t, 1.0 / aggression)));
  }

  /** How often the pickers follow the ramp. */
  long stepNanos() {
    return Math.max(1L, window.toNanos() / STEPS);
  }

  /** Builds a {@link SlowStart}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private Duration window = DEFAULT_WINDOW;
    private double aggression = DEFAULT_AGGRESSION;
    private double minWeightPercent = DEFAULT_MIN_WEIGHT_PERCENT;

    private Builder() {}

    /**
     * Sets how long the ramp lasts (default 30 s).
     *
     * @param d in (0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException if {@code d} is zero, negative or above 365 days
     */
    public Builder window(Duration d) {
      window = Checks.positive(d, "window");
      return this;
    }

    /**
     * Sets the aggression (default 1, linear); the curve's exponent is 1 / {@code a}, so larger
     * values ramp faster early.
     *
     * @param a {@code > 0} and finite
     * @return this builder
     * @throws IllegalArgumentException if {@code a} is not positive or not finite
     */
    public Builder aggression(double a) {
      aggression = Checks.positive(a, "aggression");
      return this;
    }

    /**
     * Sets the floor of the factor (default 10).
     *
     * @param percent in (0, 100]
     * @return this builder
     * @throws IllegalArgumentException if {@code percent} is outside (0, 100]
     */
    public Builder minWeightPercent(double percent) {
      minWeightPercent = ConfigChecks.percentAboveZero(percent, "minWeightPercent");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     */
    public SlowStart build() {
      return new SlowStart(window, aggression, minWeightPercent);
    }
  }
}
