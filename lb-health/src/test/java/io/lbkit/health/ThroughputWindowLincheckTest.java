package io.lbkit.health;

import io.lbkit.testing.ManualTicker;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model-checked (issue 13): completions racing the first call of a bucket, on a manual clock that
 * moves the window past old buckets, in every interleaving the checker reaches.
 *
 * <p>Not linearizable by design: a call racing a bucket's first one may be counted in the bucket
 * before. So each completion's bucket is logged and the window is read at rest: its count is the
 * number of completions whose clock reading falls in the window, give or take the calls that were
 * in flight when the earliest bucket in it was marked (at most one per other thread).
 */
public class ThroughputWindowLincheckTest { // public, with its members: Lincheck reflects
  private static final int THREADS = 2;
  private static final long BUCKET = 1_000; // window 10 000 ns in 10 buckets
  private static final long TICK = 3 * BUCKET; // the fourth tick pushes the first buckets out

  private final ManualTicker ticker = new ManualTicker(BUCKET / 2);
  private final ThroughputWindow window = new ThroughputWindow(10 * BUCKET, 0L, 0L);
  private final AtomicLong completed = new AtomicLong(); // the server's cumulative count
  private final AtomicIntegerArray perBucket = new AtomicIntegerArray(128);

  public ThroughputWindowLincheckTest() {}

  /** One completion, in HealthMonitor's order: read the clock, count it, then record. */
  @Operation
  public void complete() {
    long now = ticker.read();
    completed.incrementAndGet();
    perBucket.incrementAndGet((int) (now / BUCKET));
    window.record(now, completed.get());
  }

  @Operation
  public void tick() {
    ticker.advanceNanos(TICK);
  }

  @Validate
  public void windowCountsTheCallsInIt() {
    long now = ticker.read();
    long last = now / BUCKET;
    long first = Math.max(0, last - ThroughputWindow.BUCKETS + 1);
    int exact = 0;
    for (long b = first; b <= last; b++) {
      exact += perBucket.get((int) b);
    }
    long covered = now - first * BUCKET;
    long counted = Math.round(window.perSecond(now, completed.get()) * covered / 1e9);
    if (Math.abs(counted - exact) > THREADS - 1) {
      throw new IllegalStateException("window counts " + counted + " calls at " + now + " ns, "
          + exact + " completed in it (" + completed + " in all)");
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(15)
        .invocationsPerIteration(150)
        .threads(THREADS)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(3)
        .check(getClass());
  }
}
