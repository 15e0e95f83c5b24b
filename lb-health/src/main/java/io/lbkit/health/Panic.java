package io.lbkit.health;

import io.lbkit.internal.Checks;

/**
 * Panic mode (Envoy's healthy panic threshold): when fewer than {@code thresholdPercent} of the
 * pool's servers with weight above 0 are available, the pickers choose among all of them, healthy
 * or not (an OPEN breaker still admits nothing), so an outage of the health signal does not turn
 * into an outage of the service. Absent from a {@link HealthConfig}, the pickers never go beyond
 * the available servers, and choosing fails when none is.
 *
 * @param thresholdPercent the available share, in (0, 100], below which panic begins (default 50)
 */
public record Panic(double thresholdPercent) {
  /** The available share below which panic begins, by default, in percent (Envoy's). */
  public static final double DEFAULT_THRESHOLD_PERCENT = 50.0;

  private static final Panic DEFAULTS = new Panic(DEFAULT_THRESHOLD_PERCENT);

  /**
   * Validates the threshold.
   *
   * @param thresholdPercent in (0, 100]
   * @throws IllegalArgumentException if {@code thresholdPercent} is outside (0, 100]
   */
  public Panic {
    ConfigChecks.percentAboveZero(thresholdPercent, "thresholdPercent");
  }

  /**
   * Panic below {@code thresholdPercent} available.
   *
   * @param thresholdPercent in (0, 100]; 100 panics whenever one server is unavailable
   * @return the settings
   * @throws IllegalArgumentException if {@code thresholdPercent} is outside (0, 100]
   */
  public static Panic below(double thresholdPercent) {
    return new Panic(thresholdPercent);
  }

  /** {@return the defaults: panic below 50% available} */
  public static Panic defaults() {
    return DEFAULTS;
  }

  /**
   * The panic rule, the only place it is decided: {@code available} of {@code total} weighted
   * servers is strictly below the threshold share (an empty pool never panics).
   *
   * @param available weighted servers available now, {@code >= 0}
   * @param total weighted servers in the pool
   * @return true when the pool is in panic
   * @throws IllegalArgumentException if {@code available} is negative
   */
  public boolean test(int available, int total) {
    Checks.nonNegative(available, "available");
    return total > 0 && available * 100.0 < thresholdPercent * total;
  }
}
