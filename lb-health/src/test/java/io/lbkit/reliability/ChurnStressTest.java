package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Server;
import io.lbkit.Strategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guarantees 1, 6 and 7 under concurrency, for every strategy: two threads choose and report
 * outcomes (success, failure, cancel) while a third replaces the pool {@value #UPDATES} times and
 * ejects and restores servers. See {@link Churn} for the workload and its pacing.
 */
class ChurnStressTest {
  static final int UPDATES = 1_000;
  static final int PICKS_PER_UPDATE = 40;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.lbkit.reliability.EveryStrategy#stressArguments")
  void choosingNeverFailsOrReturnsARemovedServerWhileThePoolAndHealthChurn(String name,
      Strategy strategy) throws Exception {
    Churn churn = new Churn(name, strategy);

    churn.run(UPDATES, PICKS_PER_UPDATE);

    assertThat(churn.failure.get()).as("first failure").isNull();
    assertThat(churn.picks.get()).isEqualTo((long) UPDATES * PICKS_PER_UPDATE);
    assertThat(churn.generation()).isEqualTo(UPDATES);
    assertThat(churn.pool.snapshot().version()).isEqualTo(UPDATES + 1);
    // Health really flipped: servers were ejected and restored during the run.
    assertThat(churn.ejections.get()).isPositive();
    assertThat(churn.restorations.get()).isPositive();
    // Guarantee 6: every permission ended, and nothing is left in flight on any server ever seen.
    assertThat(churn.ends.get()).isEqualTo(churn.permits.get());
    for (int g = 0; g <= UPDATES; g++) {
      for (Server s : Churn.poolOf(g)) {
        assertThat(churn.monitor.stats(s).inFlight()).as("in flight on %s", s.id()).isZero();
      }
    }
    // Guarantee 7: once the grace period has passed, one state entry per member, no more.
    churn.ticker.advance(Churn.GRACE.plus(Churn.MAX_EJECTION));
    churn.monitor.tick();
    assertThat(churn.monitor.stateSize()).isEqualTo(churn.pool.servers().size());
    // Guarantee 1 at rest: only the last generation (or a stable server) is chosen, never null.
    for (int i = 0; i < 200; i++) {
      Server s = churn.selector.choose();
      assertThat(Churn.generationOf(s)).isIn(-1, UPDATES);
      assertThat(churn.pool.snapshot().contains(s)).isTrue();
    }
    churn.selector.close();
    churn.monitor.close();
  }
}
