package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The rules owned by the config groups themselves: the panic rule and the slow-start curve. */
class HealthRulesTest {
  private static final long S = 1_000_000_000L;

  @Test
  void panicBeginsStrictlyBelowHalfAvailable() {
    Panic p = Panic.defaults();
    assertThat(p.test(2, 4)).isFalse(); // exactly 50%
    assertThat(p.test(1, 4)).isTrue();
    assertThat(p.test(0, 1)).isTrue();
    assertThat(p.test(0, 0)).isFalse(); // an empty pool is not in panic
    assertThat(Panic.below(100).test(9, 10)).isTrue();
  }

  @Test
  void slowStartRampsLinearlyOverThirtySecondsFromTenPercent() {
    SlowStart s = SlowStart.defaults();
    assertThat(s.factor(0)).isEqualTo(0.1);
    assertThat(s.factor(3 * S)).isCloseTo(0.1, within(1e-12));
    assertThat(s.factor(15 * S)).isCloseTo(0.5, within(1e-12));
    assertThat(s.factor(30 * S - 1)).isLessThan(1.0);
    assertThat(s.factor(30 * S)).isEqualTo(1.0);
    assertThat(s.stepNanos()).isEqualTo(S); // window / 30
  }

  @Test
  void slowStartAggressionBendsTheCurve() {
    SlowStart s = SlowStart.builder().aggression(2.0).minWeightPercent(20).build();
    assertThat(s.factor(Duration.ofMillis(7_500).toNanos())).isCloseTo(0.5, within(1e-12));
    assertThat(s.factor(S)).isEqualTo(0.2); // sqrt(1/30) = 0.18 is below the floor
  }

  @Test
  void anOpenBreakerGoesHalfOpenOneNanosecondAfterItsWait() {
    CircuitBreaker b = CircuitBreaker.of("x", CircuitBreakerConfig.custom()
        .waitDurationInOpenState(Duration.ofSeconds(5)).build());
    assertThat(Breakers.halfOpenAt(b, 7L, 1)).isEqualTo(7L + 5 * S + 1);
    CircuitBreaker backoff = CircuitBreaker.of("y", CircuitBreakerConfig.custom()
        .waitIntervalFunctionInOpenState(IntervalFunction.ofExponentialBackoff(1_000, 2.0))
        .build());
    assertThat(Breakers.halfOpenAt(backoff, 0L, 1)).isEqualTo(S + 1);
    assertThat(Breakers.halfOpenAt(backoff, 0L, 3)).isEqualTo(4 * S + 1);
  }
}
