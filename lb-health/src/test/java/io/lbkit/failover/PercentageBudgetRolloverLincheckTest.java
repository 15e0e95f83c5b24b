package io.lbkit.failover;

import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model-checked: as {@link PercentageBudgetLincheckTest}, but the racing deposits and withdrawals
 * are the first of a new slot of the window, so starting the slot afresh races them. Each slot is
 * one atomic word (sum and epoch), so the balance at rest is exact here too; with the sum and the
 * epoch in two words, an add landing between the epoch's compare-and-set and the sum's reset was
 * lost.
 */
public class PercentageBudgetRolloverLincheckTest { // public, with its members: Lincheck reflects
  private static final int THREADS = 3;
  private static final long DEPOSIT = 500; // 0.5 of a token, in thousandths

  // 50% of calls, no floor, 1 s window: two calls pay for one extra attempt.
  private final ManualTicker ticker = new ManualTicker(1_000_000L);
  private final PercentageBudget budget =
      new PercentageBudget(0.5, 0, Duration.ofSeconds(1), ticker);
  private final AtomicLong requests = new AtomicLong(1);
  private final AtomicLong granted = new AtomicLong();

  public PercentageBudgetRolloverLincheckTest() {
    budget.onRequest(); // a deposit in the first slot (counted above)
    ticker.advance(Duration.ofMillis(100)); // the operations start the next slot afresh, racing
  }

  @Operation
  public void onRequest() {
    budget.onRequest();
    requests.incrementAndGet();
  }

  @Operation
  public void tryAcquire() {
    if (budget.tryAcquire()) {
      granted.incrementAndGet();
    }
  }

  @Validate
  public void balanceIsExactAndOverdraftBounded() {
    long expected = DEPOSIT * requests.get() - 1000 * granted.get();
    long balance = Math.round(budget.balanceTokens() * 1000);
    if (balance != expected) {
      throw new IllegalStateException("balance " + balance + " at rest, expected " + expected
          + " after " + requests + " calls and " + granted + " grants");
    }
    long allowed = DEPOSIT * requests.get() / 1000 + (THREADS - 1);
    if (granted.get() > allowed) {
      throw new IllegalStateException(granted + " grants after " + requests
          + " calls: more than " + allowed);
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(10)
        .invocationsPerIteration(150)
        .threads(THREADS)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(1)
        .check(getClass());
  }
}
