package io.lbkit.testing;

import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ticker that moves only when told to: for tests and for the simulator's virtual time.
 * Thread-safe; time never goes backwards.
 */
public final class ManualTicker implements Ticker {
  private final AtomicLong nanos;

  /** A ticker that reads 0 until moved. */
  public ManualTicker() {
    this(0L);
  }

  /**
   * A ticker that reads {@code startNanos} until moved.
   *
   * @param startNanos the first reading
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
   * Moves time forward by {@code deltaNanos}.
   *
   * @param deltaNanos how far, {@code >= 0}
   * @return the new reading
   * @throws IllegalArgumentException if {@code deltaNanos} is negative
   */
  public long advanceNanos(long deltaNanos) {
    Checks.nonNegative(deltaNanos, "deltaNanos");
    return nanos.addAndGet(deltaNanos);
  }

  /**
   * Moves time forward to {@code nanos}; setting the current reading changes nothing.
   *
   * @param nanos the new reading, at least the current one
   * @throws IllegalArgumentException if {@code nanos} is earlier than the current reading
   */
  public void set(long nanos) {
    long now = this.nanos.get();
    Checks.argument(nanos >= now, "nanos", nanos, ">= current reading " + now);
    this.nanos.accumulateAndGet(nanos, Math::max);
  }
}
