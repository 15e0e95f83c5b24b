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
    assertThat(c.consecutiveFailures()).isEqualTo(5);
    assertThat(c.circuitBreakerEnabled()).isTrue();
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.successRateRequestVolume()).isEqualTo(100);
    assertThat(c.successRateMinimumHosts()).isEqualTo(5);
    assertThat(c.successRateStdevFactor()).isEqualTo(1.9);
    assertThat(c.failurePercentageThreshold()).isEqualTo(85.0);
    assertThat(c.failurePercentageMinimumHosts()).isEqualTo(5);
    assertThat(c.failurePercentageRequestVolume()).isEqualTo(50);
    assertThat(c.latencyFactor()).isEqualTo(5.0);
    assertThat(c.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxEjectionTime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.maxEjectionPercent()).isEqualTo(10.0);
    assertThat(c.alwaysAllowOneEjection()).isTrue();
    assertThat(c.healthCheck()).isNull();
    assertThat(c.rise()).isEqualTo(2);
    assertThat(c.fall()).isEqualTo(3);
    assertThat(c.slowStartWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.slowStartAggression()).isEqualTo(1.0);
    assertThat(c.slowStartMinWeightPercent()).isEqualTo(10.0);
    assertThat(c.panicThresholdPercent()).isEqualTo(50.0);
    assertThat(c.listeners()).isEmpty();
  }

  @Test
  void toBuilderKeepsEverySetting() {
    CircuitBreakerConfig cb = CircuitBreakerConfig.custom().slidingWindowSize(7).build();
    HealthListener l = new HealthListener() {};
    HealthConfig c = HealthConfig.builder().consecutiveFailures(7).circuitBreakerConfig(cb)
        .interval(Duration.ofSeconds(3)).maxEjectionPercent(40).alwaysAllowOneEjection(false)
        .rise(4).fall(6).panicThresholdPercent(0).slowStartWindow(Duration.ZERO).listener(l)
        .autoTick(false).build();
    HealthConfig copy = c.toBuilder().build();
    assertThat(copy.consecutiveFailures()).isEqualTo(7);
    assertThat(copy.circuitBreakerConfig()).isSameAs(cb);
    assertThat(copy.interval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(copy.maxEjectionPercent()).isEqualTo(40.0);
    assertThat(copy.alwaysAllowOneEjection()).isFalse();
    assertThat(copy.rise()).isEqualTo(4);
    assertThat(copy.fall()).isEqualTo(6);
    assertThat(copy.panicThresholdPercent()).isZero();
    assertThat(copy.slowStartWindow()).isZero();
    assertThat(copy.listeners()).containsExactly(l);
    assertThat(copy.autoTick()).isFalse();
  }

  @Test
  void badValuesAreRejectedWithFieldValueAndExpectation() {
    assertThatThrownBy(() -> HealthConfig.builder().consecutiveFailures(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("consecutiveFailures: -1 (expected: >= 0)");
    assertThatThrownBy(() -> HealthConfig.builder().maxEjectionPercent(101))
        .hasMessage("maxEjectionPercent: 101.0 (expected: in [0, 100])");
    assertThatThrownBy(() -> HealthConfig.builder().interval(Duration.ZERO))
        .hasMessage("interval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> HealthConfig.builder().rise(0))
        .hasMessage("rise: 0 (expected: > 0)");
    assertThatThrownBy(() -> HealthConfig.builder().latencyFactor(0.5))
        .hasMessage("latencyFactor: 0.5 (expected: 0 (disabled) or a finite number > 1)");
    assertThatThrownBy(() -> HealthConfig.builder().slowStartMinWeightPercent(0))
        .hasMessage("slowStartMinWeightPercent: 0.0 (expected: in (0, 100])");
    assertThatThrownBy(() -> HealthConfig.builder().healthCheck(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("healthCheck: null (expected: non-null)");
  }

  @Test
  void settingsAreCheckedAgainstEachOtherAtBuild() {
    assertThatThrownBy(() -> HealthConfig.builder().maxEjectionTime(Duration.ofSeconds(10))
        .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEjectionTime: PT10S (expected: >= baseEjectionTime PT30S)");
    assertThatThrownBy(() -> HealthConfig.builder().checkInterval(Duration.ofSeconds(1))
        .checkJitter(Duration.ofSeconds(1)).checkTimeout(Duration.ofMillis(500)).build())
        .hasMessage("checkJitter: PT1S (expected: < checkInterval PT1S)");
    assertThatThrownBy(() -> HealthConfig.builder().checkInterval(Duration.ofSeconds(1))
        .checkJitter(Duration.ZERO).checkTimeout(Duration.ofSeconds(2)).build())
        .hasMessage("checkTimeout: PT2S (expected: <= checkInterval PT1S)");
  }
}
