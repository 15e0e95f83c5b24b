package io.lbkit.health;

import io.lbkit.internal.Checks;
import java.time.Duration;

/**
 * The argument checks shared by {@link HealthConfig} and its groups: one per kind of setting
 * (durations, percentages, ranges). Messages have the {@link Checks} shape, {@code "field: value
 * (expected: ...)"}.
 */
final class ConfigChecks {
  private ConfigChecks() {}

  /** A percentage in [0, 100]. */
  static double percent(double p, String name) {
    Checks.argument(p >= 0.0 && p <= 100.0, name, p, "in [0, 100]");
    return p;
  }

  /** A percentage in (0, 100]: a share of 0 would make its group do nothing. */
  static double percentAboveZero(double p, String name) {
    Checks.argument(p > 0.0 && p <= 100.0, name, p, "in (0, 100]");
    return p;
  }

  /** A finite factor above 1: a factor of 1 or less would eject the median. */
  static double latencyFactor(double factor) {
    Checks.argument(factor > 1.0 && Double.isFinite(factor), "factor", factor,
        "a finite number > 1");
    return factor;
  }

  /** The throughput window splits into {@link ThroughputWindow#BUCKETS} non-empty buckets. */
  static Duration throughputWindow(Duration window) {
    Checks.positive(window, "throughputWindow");
    Checks.argument(window.toNanos() >= ThroughputWindow.BUCKETS, "throughputWindow", window,
        ">= " + ThroughputWindow.BUCKETS + " ns");
    return window;
  }
}
