package io.lbkit.failover;

import io.github.resilience4j.core.IntervalFunction;
import io.lbkit.RandomSource;
import io.lbkit.internal.Checks;
import java.time.Duration;

/**
 * Exponential backoff with jitter: resilience4j's {@link IntervalFunction} gives the base delay
 * of retry {@code n} ({@code initial × multiplier^(n-1)}, capped at {@code max}); the jitter is
 * drawn from the balancer's {@link RandomSource} so that seeded tests repeat exactly.
 *
 * <pre>
 *   delay(n) = base(n) × (1 − jitter + 2 × jitter × u),   u uniform in [0, 1)
 * </pre>
 * An initial delay of 0 means no wait at all. Immutable.
 */
final class Backoff {
  static final Backoff NONE = new Backoff(Duration.ZERO, 1.0, Duration.ZERO, 0.0);

  private final Duration initial;
  private final double multiplier;
  private final Duration max;
  private final double jitter;
  private final IntervalFunction base;

  Backoff(Duration initial, double multiplier, Duration max, double jitter) {
    this.initial = initial;
    this.multiplier = multiplier;
    this.max = max;
    this.jitter = jitter;
    this.base = initial.isZero() ? null
        : IntervalFunction.ofExponentialBackoff(initial, multiplier, max);
  }

  /** Validates and builds; field names are those of the mode's settings. */
  static Backoff of(Duration initial, double multiplier, Duration max, double jitter) {
    Checks.nonNegative(initial, "backoff.initial");
    Checks.nonNegative(max, "backoff.max");
    Checks.argument(initial.isZero() || initial.toMillis() >= 1, "backoff.initial", initial,
        "0 or >= 1ms");
    Checks.argument(max.compareTo(initial) >= 0, "backoff.max", max, ">= backoff.initial "
        + initial);
    Checks.argument(multiplier >= 1.0 && Double.isFinite(multiplier), "backoff.multiplier",
        multiplier, ">= 1");
    Checks.argument(jitter >= 0.0 && jitter <= 1.0, "backoff.jitter", jitter, "in [0, 1]");
    return new Backoff(initial, multiplier, max, jitter);
  }

  /** The wait before retry {@code retry} (1 for the first retry), in nanoseconds. */
  long delayNanos(int retry, RandomSource random) {
    if (base == null) {
      return 0L;
    }
    long millis = base.apply(retry);
    double factor = jitter == 0.0 ? 1.0 : 1.0 - jitter + 2.0 * jitter * random.nextDouble();
    return (long) (millis * 1_000_000L * factor);
  }

  Backoff withJitter(double j) {
    return of(initial, multiplier, max, j);
  }

  /** No waits, keeping the jitter for a later {@code backoff(...)}. */
  Backoff withoutWaits() {
    return new Backoff(Duration.ZERO, 1.0, Duration.ZERO, jitter);
  }

  double jitter() {
    return jitter;
  }

  @Override
  public String toString() {
    return base == null ? "no backoff"
        : "backoff(" + initial + " x" + multiplier + " max " + max + " jitter " + jitter + ")";
  }
}
