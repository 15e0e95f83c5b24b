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
  public static final double DEFAULT_THRESHOLD_PERCENT = 50.0;

  private static final Panic DEFAULTS = new Panic(DEFAULT_THRESHOLD_PERCENT);

  public Panic {
    ConfigChecks.percentAboveZero(thresholdPercent, "thresholdPercent");
  }

  /** Panic below {@code thresholdPercent} available. */
  public static Panic below(double thresholdPercent) {
    return new Panic(thresholdPercent);
  }

  /** Panic below 50% available. */
  public static Panic defaults() {
    return DEFAULTS;
  }

  /**
   * The panic rule, the only place it is decided: {@code available} of {@code total} weighted
   * servers is strictly below the threshold share (an empty pool never panics).
   */
  public boolean test(int available, int total) {
    Checks.nonNegative(available, "available");
    return total > 0 && available * 100.0 < thresholdPercent * total;
  }
}
