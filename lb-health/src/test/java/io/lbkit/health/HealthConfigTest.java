package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthConfigTest {

  @Test
  void defaultsMatchEnvoyGrpcAndHaproxy() {
    HealthConfig c = HealthConfig.defaults();
    assertThat(c.consecutiveFailures()).contains(new ConsecutiveFailures(5));
    assertThat(c.circuitBreaker()).isPresent();
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.successRate()).contains(new SuccessRate(100, 5, 1.9));
    assertThat(c.failurePercentage()).contains(new FailurePercentage(85.0, 5, 50));
    assertThat(c.latency()).contains(new LatencyEjection(5.0, 5, 50));
    assertThat(c.ejection()).isEqualTo(new EjectionLimits(Duration.ofSeconds(30),
        Duration.ofSeconds(300), Duration.ZERO, 10.0, true));
    assertThat(c.activeChecks()).isEmpty();
    assertThat(c.slowStart()).contains(new SlowStart(Duration.ofSeconds(30), 1.0, 10.0));
    assertThat(c.panic()).contains(new Panic(50.0));
    assertThat(c.stateGracePeriod()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void activeCheckDefaultsAreHaproxys() {
    HealthCheck check = s -> null;
    ActiveChecks a = ActiveChecks.of(check);
    assertThat(a).isEqualTo(new ActiveChecks(check, Duration.ofSeconds(2), Duration.ofSeconds(1),
        Duration.ofMillis(200), 2, 3));
  }

  @Test
  void anAbsentGroupIsOffAndNothingElseChanges() {
    HealthConfig c = HealthConfig.builder().noConsecutiveFailures().noSuccessRate()
        .noFailurePercentage().noLatency().noCircuitBreaker().noSlowStart().noPanic().build();
    assertThat(c.consecutiveFailures()).isEmpty();
    assertThat(c.successRate()).isEmpty();
    assertThat(c.failurePercentage()).isEmpty();
    assertThat(c.latency()).isEmpty();
    assertThat(c.circuitBreaker()).isEmpty();
    assertThat(c.slowStart()).isEmpty();
    assertThat(c.panic()).isEmpty();
    assertThat(c.ejection()).isEqualTo(EjectionLimits.defaults());
    assertThat(c.interval()).isEqualTo(HealthConfig.DEFAULT_INTERVAL);
  }

  @Test
  void toBuilderKeepsEverySetting() {
    CircuitBreakerConfig cb = CircuitBreakerConfig.custom().slidingWindowSize(7).build();
    ActiveChecks checks = ActiveChecks.builder(s -> null).rise(4).fall(6).build();
    HealthConfig c = HealthConfig.builder().consecutiveFailures(ConsecutiveFailures.of(7))
        .circuitBreaker(cb).interval(Duration.ofSeconds(3))
        .ejection(EjectionLimits.builder().maxPercent(40).alwaysAllowOne(false).build())
        .activeChecks(checks).noPanic().noSlowStart().build();
    HealthConfig copy = c.toBuilder().build();
    assertThat(copy.consecutiveFailures()).contains(ConsecutiveFailures.of(7));
    assertThat(copy.circuitBreaker()).containsSame(cb);
    assertThat(copy.interval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(copy.ejection().maxPercent()).isEqualTo(40.0);
    assertThat(copy.ejection().alwaysAllowOne()).isFalse();
    assertThat(copy.activeChecks()).containsSame(checks);
    assertThat(copy.panic()).isEmpty();
    assertThat(copy.slowStart()).isEmpty();
  }

  @Test
  void badValuesAreRejectedAtTheSetterWithFieldValueAndExpectation() {
    assertThatThrownBy(() -> ConsecutiveFailures.of(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threshold: 0 (expected: > 0)");
    assertThatThrownBy(() -> EjectionLimits.builder().maxPercent(101))
        .hasMessage("maxPercent: 101.0 (expected: in [0, 100])");
    assertThatThrownBy(() -> HealthConfig.builder().interval(Duration.ZERO))
        .hasMessage("interval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> ActiveChecks.builder(s -> null).rise(0))
        .hasMessage("rise: 0 (expected: > 0)");
    assertThatThrownBy(() -> LatencyEjection.builder().factor(0.5))
        .hasMessage("factor: 0.5 (expected: a finite number > 1)");
    assertThatThrownBy(() -> SlowStart.builder().minWeightPercent(0))
        .hasMessage("minWeightPercent: 0.0 (expected: in (0, 100])");
    assertThatThrownBy(() -> SlowStart.builder().window(Duration.ZERO))
        .hasMessage("window: PT0S (expected: > 0)");
    assertThatThrownBy(() -> Panic.below(0))
        .hasMessage("thresholdPercent: 0.0 (expected: in (0, 100])");
    assertThatThrownBy(() -> FailurePercentage.builder().thresholdPercent(0))
        .hasMessage("thresholdPercent: 0.0 (expected: in (0, 100])");
    assertThatThrownBy(() -> SuccessRate.builder().minimumHosts(0))
        .hasMessage("minimumHosts: 0 (expected: > 0)");
    assertThatThrownBy(() -> ActiveChecks.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("check: null (expected: non-null)");
    assertThatThrownBy(() -> HealthConfig.builder().successRate(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("successRate: null (expected: non-null)");
  }

  @Test
  void settingsOfAGroupAreCheckedAgainstEachOtherAtBuild() {
    assertThatThrownBy(() -> EjectionLimits.builder().maxTime(Duration.ofSeconds(10)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTime: PT10S (expected: >= baseTime PT30S)");
    assertThatThrownBy(() -> ActiveChecks.builder(s -> null).interval(Duration.ofSeconds(1))
        .jitter(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500)).build())
        .hasMessage("jitter: PT1S (expected: < interval PT1S)");
    assertThatThrownBy(() -> ActiveChecks.builder(s -> null).interval(Duration.ofSeconds(1))
        .jitter(Duration.ZERO).timeout(Duration.ofSeconds(2)).build())
        .hasMessage("timeout: PT2S (expected: <= interval PT1S)");
  }

  @Test
  void toStringNamesEverySetting() {
    assertThat(HealthConfig.defaults().toString()).contains("consecutiveFailures=",
        "circuitBreaker=true", "interval=PT10S", "stateGracePeriod=PT5M", "throughputWindow=PT10S",
        "ewmaDecay=PT10S");
  }
}
