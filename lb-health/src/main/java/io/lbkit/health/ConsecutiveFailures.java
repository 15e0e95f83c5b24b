package io.lbkit.health;

import io.lbkit.internal.Checks;

/**
 * Consecutive-failure ejection (Envoy's {@code consecutive_5xx}, Finagle's failure accrual): a
 * server whose last {@code threshold} outcomes were all failures is ejected at once, on the thread
 * that reported the last one. Absent from a {@link HealthConfig}, a streak ejects nothing.
 *
 * @param threshold failures in a row that eject (default 5)
 */
public record ConsecutiveFailures(int threshold) {
  /** Failures in a row that eject, by default (Envoy's {@code consecutive_5xx}). */
  public static final int DEFAULT_THRESHOLD = 5;

  private static final ConsecutiveFailures DEFAULTS = new ConsecutiveFailures(DEFAULT_THRESHOLD);

  /**
   * Validates the threshold.
   *
   * @param threshold failures in a row that eject, {@code > 0}
   * @throws IllegalArgumentException if {@code threshold} is not positive
   */
  public ConsecutiveFailures {
    Checks.positive(threshold, "threshold");
  }

  /**
   * Ejects after {@code threshold} failures in a row.
   *
   * @param threshold {@code > 0}
   * @return the settings
   * @throws IllegalArgumentException if {@code threshold} is not positive
   */
  public static ConsecutiveFailures of(int threshold) {
    return new ConsecutiveFailures(threshold);
  }

  /** {@return the defaults: eject after 5 failures in a row} */
  public static ConsecutiveFailures defaults() {
    return DEFAULTS;
  }
}
