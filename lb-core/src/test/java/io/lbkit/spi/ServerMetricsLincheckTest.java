package io.lbkit.spi;

import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.BooleanGen;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model-checked (issue 13): starts, ends and releases racing on one server's counters. The
 * in-flight count is linearizable to a counter floored at 0 (no start or end is ever lost, and it
 * never goes negative); the totals are exact once the calls are done.
 */
@Param(name = "latency", gen = IntGen.class, conf = "0:2")
public class ServerMetricsLincheckTest { // public, with its members: Lincheck reflects
  private final ServerMetrics metrics = new ServerMetrics("a", 0L, 1_000L);

  // What the operations did, for the totals check: each is one atomic add, like the class's own.
  private final AtomicLong completions = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong latencies = new AtomicLong();

  public ServerMetricsLincheckTest() {}

  @Operation
  public void onStart() {
    metrics.onStart();
  }

  @Operation
  public void onRelease() {
    metrics.onRelease();
  }

  @Operation
  public void onComplete(@Param(name = "latency") int latency,
      @Param(gen = BooleanGen.class) boolean success) {
    metrics.onComplete(latency, success, 0L);
    completions.incrementAndGet();
    if (!success) {
      failed.incrementAndGet();
    }
    latencies.addAndGet(latency);
  }

  @Operation
  public int inFlight() {
    return metrics.inFlight();
  }

  // Only the in-flight count is read while calls race: the totals are written together under the
  // metrics' monitor but read without it, so a read of two of them mid-completion may see one
  // updated and not the other.
  @Validate
  public void totalsAreExactAtRest() {
    check(metrics.requests() == completions.get(), "requests");
    check(metrics.failures() == failed.get(), "failures");
    check(metrics.latencySumNanos() == latencies.get(), "latency sum");
    check(metrics.inFlight() >= 0, "in flight");
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what + " off at rest: " + metrics + " latencySum="
          + metrics.latencySumNanos() + " expected requests=" + completions + " failures=" + failed
          + " latencySum=" + latencies);
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .sequentialSpecification(InFlightCounter.class)
        .iterations(8)
        .invocationsPerIteration(150)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(2)
        .actorsAfter(1)
        .check(getClass());
  }

  /** The in-flight count on one thread: +1 per start, -1 per end, never below 0. */
  public static final class InFlightCounter {
    private int inFlight;

    public InFlightCounter() {}

    public void onStart() {
      inFlight++;
    }

    public void onRelease() {
      inFlight = Math.max(0, inFlight - 1);
    }

    public void onComplete(int latency, boolean success) {
      onRelease();
    }

    public int inFlight() {
      return inFlight;
    }
  }
}
