package io.lbkit.testing;

import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ticker that moves only when told to: for tests and for the simulator's virtual time.
 * Thread-safe; time never goes backwards.
 *
 * <p>Like {@link System#nanoTime()}, it may start at any reading and wraps past {@link
 * Long#MAX_VALUE} to negative readings: only differences mean anything, so a test can start it
 * just below the wrap to check that code compares readings by their difference. Each step is at
 * most 365 days, so "later" is always unambiguous.
 */
public final class ManualTicker implements Ticker {
  private static final long MAX_STEP = Checks.MAX_DURATION.toNanos();

  private final AtomicLong nanos;

  /** A ticker that reads 0 until moved. */
  public ManualTicker() {
    this(0L);
  }

  /**
   * A ticker that reads {@code startNanos} until moved.
   *
   * @param startNanos the first reading, any value (nanoTime's origin is arbitrary too)
   */
  public ManualTicker(long startNanos) {
    this.nanos = new AtomicLong(startNanos);
  }

  @Override
  public long read() {
    return nanos.get();
  }

  /**
   * Moves time forward by {@code delta}.
   *
   * @param delta how far, in [0, 365 days]
   * @return the new reading
   * @throws NullPointerException if {@code delta} is null
   * @throws IllegalArgumentException if {@code delta} is negative or above 365 days
   */
  public long advance(Duration delta) {
    return advanceNanos(Checks.nonNegative(delta, "delta").toNanos());
  }

  /**
   * Moves time forward by {@code deltaNanos}; the reading wraps past {@link Long#MAX_VALUE} as
   * nanoTime's does.
   *
   * @param deltaNanos how far, in [0, 365 days]
   * @return the new reading
   * @throws IllegalArgumentException if {@code deltaNanos} is negative or above 365 days
   */
  public long advanceNanos(long deltaNanos) {
    Checks.nonNegative(deltaNanos, "deltaNanos");
    Checks.argument(deltaNanos <= MAX_STEP, "deltaNanos", deltaNanos,
        "<= " + MAX_STEP + " (365 days)");
    return nanos.addAndGet(deltaNanos);
  }

  /**
   * Moves time forward to the reading {@code nanos}, compared with the current one by their
   * difference (so across the wrap too); setting the current reading changes nothing.
   *
   * @param nanos the new reading, at or after the current one by at most 365 days
   * @throws IllegalArgumentException if {@code nanos} is earlier than the current reading or more
   *     than 365 days after it
   */
  public void set(long nanos) {
    long now = this.nanos.get();
    long step = nanos - now;
    Checks.argument(step >= 0 && step <= MAX_STEP, "nanos", nanos,
        "at or after the current reading " + now + ", by at most 365 days");
    // Racing setters: the later reading wins, by difference, never the numerically larger one.
    this.nanos.accumulateAndGet(nanos, (current, next) -> next - current > 0 ? next : current);
  }
}
