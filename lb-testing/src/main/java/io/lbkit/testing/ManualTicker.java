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

  public ManualTicker() {
    this(0L);
  }

  public ManualTicker(long startNanos) {
    this.nanos = new AtomicLong(startNanos);
  }

  @Override
  public long read() {
    return nanos.get();
  }

  /** Moves time forward by {@code delta} and returns the new reading. */
  public long advance(Duration delta) {
    return advanceNanos(Checks.nonNegative(delta, "delta").toNanos());
  }

  /** Moves time forward by {@code deltaNanos} (>= 0) and returns the new reading. */
  public long advanceNanos(long deltaNanos) {
    Checks.nonNegative(deltaNanos, "deltaNanos");
    return nanos.addAndGet(deltaNanos);
  }

  /** Moves time forward to {@code nanos}; a reading earlier than now is rejected. */
  public void set(long nanos) {
    long now = this.nanos.get();
    Checks.argument(nanos >= now, "nanos", nanos, ">= current reading " + now);
    this.nanos.accumulateAndGet(nanos, Math::max);
  }
}
