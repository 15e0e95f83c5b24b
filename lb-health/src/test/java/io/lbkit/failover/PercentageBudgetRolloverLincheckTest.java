package io.lbkit.failover;

import java.time.Duration;

/**
 * Model-checked: as {@link PercentageBudgetLincheckTest}, but the racing deposits and withdrawals
 * are the first of a new slot of the window, so starting the slot afresh races them. Each slot is
 * one atomic word (sum and epoch), so the balance at rest is exact here too; with the sum and the
 * epoch in two words, an add landing between the epoch's compare-and-set and the sum's reset was
 * lost.
 */
public class PercentageBudgetRolloverLincheckTest extends PercentageBudgetLincheckTest {

  public PercentageBudgetRolloverLincheckTest() {
    ticker.advance(Duration.ofMillis(100)); // after the first slot's deposit: the next slot
  }

  @Override
  int actorsBefore() {
    return 0; // the racing operations are the new slot's first
  }
}
