package io.lbkit.failover;

import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model-checked (issue 13): calls depositing and extra attempts withdrawing from one slot of the
 * window, in every interleaving the checker reaches.
 *
 * <p>Not linearizable by design: the balance check and the withdrawal are two steps, so racing
 * acquirers may overdraw by one token each (as in Finagle). So grants are counted and the promise
 * is checked at rest: the accounting is exact (no deposit or withdrawal lost), and the grants are
 * at most the deposits' whole tokens plus one per other thread.
 *
 * <p>The clock stands still, inside a slot the constructor has already opened; {@link
 * PercentageBudgetRolloverLincheckTest} races the start of a new slot.
 */
public class PercentageBudgetLincheckTest { // public, with its members: Lincheck reflects
  private static final int THREADS = 3;
  private static final long DEPOSIT = 500; // 0.5 of a token, in thousandths

  // 50% of calls, no floor, 1 s window: two calls pay for one extra attempt.
  final ManualTicker ticker = new ManualTicker(1_000_000L);
  private final PercentageBudget budget =
      new PercentageBudget(0.5, 0, Duration.ofSeconds(1), ticker);
  private final AtomicLong requests = new AtomicLong(1);
  private final AtomicLong granted = new AtomicLong();

  public PercentageBudgetLincheckTest() {
    budget.onRequest(); // opens the slot (counted above)
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

  /** Operations run alone before the racing ones. */
  int actorsBefore() {
    return 2;
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(10)
        .invocationsPerIteration(150)
        .threads(THREADS)
        .actorsPerThread(2)
        .actorsBefore(actorsBefore())
        .actorsAfter(1)
        .check(getClass());
  }
}
