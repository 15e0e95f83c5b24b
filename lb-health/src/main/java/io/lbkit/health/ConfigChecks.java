package io.lbkit.health;

import io.lbkit.internal.Checks;
import java.time.Duration;

/**
 * The argument checks of {@link HealthConfig.Builder}: one per kind of setting (durations,
 * percentages, ranges), and the checks of settings against each other that {@code build()} makes.
 * Messages have the {@link Checks} shape, {@code "field: value (expected: ...)"}.
 */
final class ConfigChecks {
  private ConfigChecks() {}

  static Duration positive(Duration d, String name) {
    Checks.notNull(d, name);
    Checks.argument(!d.isNegative() && !d.isZero(), name, d, "> 0");
    return d;
  }

  static Duration nonNegative(Duration d, String name) {
    Checks.notNull(d, name);
    Checks.argument(!d.isNegative(), name, d, ">= 0");
    return d;
  }

  /** A percentage in [0, 100], 0 meaning the feature is off. */
  static double percent(double p, String name) {
    Checks.argument(p >= 0.0 && p <= 100.0, name, p, "in [0, 100]");
    return p;
  }

  /** 0 (disabled) or a finite factor above 1: a factor of 1 or less would eject the median. */
  static double latencyFactor(double factor) {
    Checks.argument(factor == 0.0 || (factor > 1.0 && Double.isFinite(factor)),
        "latencyFactor", factor, "0 (disabled) or a finite number > 1");
    return factor;
  }

  /** A share of the weight in (0, 100]: a ramp that may start at 0 would never be chosen. */
  static double slowStartMinWeightPercent(double percent) {
    Checks.argument(percent > 0.0 && percent <= 100.0, "slowStartMinWeightPercent", percent,
        "in (0, 100]");
    return percent;
  }

  /** Ejection times: the cap is at least the base. */
  static void ejectionTimes(Duration base, Duration max) {
    Checks.argument(max.compareTo(base) >= 0, "maxEjectionTime", max,
        ">= baseEjectionTime " + base);
  }

  /** Active checks: the jitter and the timeout fit in the interval. */
  static void checkTimes(Duration interval, Duration timeout, Duration jitter) {
    Checks.argument(jitter.compareTo(interval) < 0, "checkJitter", jitter,
        "< checkInterval " + interval);
    Checks.argument(timeout.compareTo(interval) <= 0, "checkTimeout", timeout,
        "<= checkInterval " + interval);
  }

  /** The throughput window splits into {@link ThroughputWindow#BUCKETS} non-empty buckets. */
  static void throughputWindow(Duration window) {
    Checks.argument(window.toNanos() >= ThroughputWindow.BUCKETS, "throughputWindow", window,
        ">= " + ThroughputWindow.BUCKETS + " ns");
  }
}
