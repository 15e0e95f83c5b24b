package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.LoadTracker;
import io.lbkit.Ticker;
import io.lbkit.failover.Failover;
import io.lbkit.health.ActiveChecks;
import io.lbkit.health.EjectionLimits;
import io.lbkit.health.HealthCheck;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.SlowStart;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * One rule for every duration setting: at most 365 days, rejected when given with the field
 * named. A duration near the top of {@code long} nanoseconds used to be accepted and to crash
 * later with {@code ArithmeticException: long overflow}.
 */
class DurationBoundsTest {
  private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE);
  private static final Duration YEAR = Duration.ofDays(365);
  private static final HealthCheck CHECK = s -> CompletableFuture.completedFuture(true);

  /** Every entry point that takes a duration, by the field its message must name. */
  private static Map<String, Consumer<Duration>> settings() {
    Map<String, Consumer<Duration>> m = new LinkedHashMap<>();
    m.put("ewmaDecay", d -> LoadTracker.create(Ticker.system(), d));
    m.put("defaultRtt", d -> Strategies.peakEwma(d));
    m.put("delay", d -> Failover.hedged(d));
    m.put("initialDelay", d -> Failover.hedgedAtPercentile(0.95, d));
    m.put("backoff.max", d -> Failover.retry(3).backoff(Duration.ofMillis(1), d));
    m.put("backoff.initial", d -> Failover.failBack(e -> null).backoff(d, d));
    m.put("interval", d -> HealthConfig.builder().interval(d));
    m.put("stateGracePeriod", d -> HealthConfig.builder().stateGracePeriod(d));
    m.put("ewmaDecay ", d -> HealthConfig.builder().ewmaDecay(d));
    m.put("baseTime", d -> EjectionLimits.builder().baseTime(d));
    m.put("window", d -> SlowStart.over(d));
    m.put("interval ", d -> ActiveChecks.builder(CHECK).interval(d));
    m.put("delta", d -> new ManualTicker().advance(d));
    return m;
  }

  @Test
  void everyDurationSettingRejectsMoreThanAYearNamingItsField() {
    settings().forEach((field, setting) -> assertThatThrownBy(() -> setting.accept(HUGE))
        .as(field)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(field.trim() + ": " + HUGE + " (expected: <= PT8760H (365 days))"));
  }

  @Test
  void aYearIsAccepted() {
    settings().forEach((field, setting) -> setting.accept(YEAR));
    assertThat(new ManualTicker().advance(YEAR)).isEqualTo(YEAR.toNanos());
  }
}
