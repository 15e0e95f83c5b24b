package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lbkit.testing.ManualTicker;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Success-rate, failure-percentage and latency ejection, and the max-ejection-percent. */
class IntervalEjectionTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<Server> ejected = new ArrayList<>();
  private final Map<EjectionReason, Integer> reasons = new EnumMap<>(EjectionReason.class);
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    monitor.close();
  }

  /** Interval ejection only: no consecutive-failure ejection, no breaker. */
  private HealthMonitor monitor(List<Server> servers, HealthConfig.Builder b) {
    monitor = Fixtures.monitor(ServerPool.of(servers), b.noConsecutiveFailures()
        .noCircuitBreaker().build(), ticker, new HealthListener() {
          @Override
          public void onEjected(Server s, EjectionReason r, Duration d) {
            ejected.add(s);
            reasons.merge(r, 1, Integer::sum);
          }
        });
    return monitor;
  }

  /** {@code successes} and {@code failures} interleaved, so no long failure streak forms. */
  private void calls(Server s, int successes, int failures) {
    int sOk = successes;
    int sBad = failures;
    while (sOk > 0 || sBad > 0) {
      if (sOk > 0) {
        monitor.onSuccess(s, monitor.onStart(s));
        sOk--;
      }
      if (sBad > 0) {
        monitor.onFailure(s, monitor.onStart(s), new RuntimeException());
        sBad--;
      }
    }
  }

  @Test
  void goldenSuccessRateCaseEjectsOnlyTheHostAtHalfSuccess() {
    // Envoy's case: rates {100, 100, 100, 100, 50} -> mean 90, stdev 20, threshold 52.
    assertThat(OutlierMath.successRateThreshold(new double[] {100, 100, 100, 100, 50}, 1.9))
        .isCloseTo(52.0, within(1e-9));
    List<Server> s = Fixtures.servers(5);
    monitor(s, Fixtures.manual());
    for (int i = 0; i < 4; i++) {
      calls(s.get(i), 200, 0);
    }
    calls(s.get(4), 100, 100);
    ticker.advance(Duration.ofSeconds(10));
    monitor.tick();
    assertThat(ejected).containsExactly(s.get(4));
    assertThat(reasons).containsExactly(Map.entry(EjectionReason.SUCCESS_RATE, 1));
    assertThat(monitor.isAvailable(s.get(4))).isFalse();
  }

  @Test
  void twentyFiveRequestsPerHostEjectNothing() {
    List<Server> s = Fixtures.servers(5);
    monitor(s, Fixtures.manual());
    for (int i = 0; i < 4; i++) {
      calls(s.get(i), 25, 0);
    }
    calls(s.get(4), 13, 12);
    ticker.advance(Duration.ofSeconds(10));
    monitor.tick();
    assertThat(ejected).isEmpty();
  }

  @Test
  void countersStartAfreshEachInterval() {
    List<Server> s = Fixtures.servers(5);
    monitor(s, Fixtures.manual());
    // 60 + 60 requests spread over two intervals never reach 100 within one.
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 4; i++) {
        calls(s.get(i), 60, 0);
      }
      calls(s.get(4), 30, 30);
      ticker.advance(Duration.ofSeconds(10));
      monitor.tick();
    }
    assertThat(ejected).isEmpty();
  }

  @Test
  void failurePercentageEjectsAHostAtOrAbove85Percent() {
    List<Server> s = Fixtures.servers(5);
    // Success rate off (needs more hosts than there are), so only failure percentage acts.
    monitor(s, Fixtures.manual().successRate(SuccessRate.builder().minimumHosts(6).build()));
    for (int i = 0; i < 3; i++) {
      calls(s.get(i), 50, 0);
    }
    calls(s.get(3), 8, 42); // 84%: stays
    calls(s.get(4), 7, 43); // 86%: ejected
    ticker.advance(Duration.ofSeconds(10));
    monitor.tick();
    assertThat(ejected).containsExactly(s.get(4));
    assertThat(reasons).containsExactly(Map.entry(EjectionReason.FAILURE_PERCENTAGE, 1));
  }

  @Test
  void threeBadHostsOfFiveWithMax40PercentEjectExactlyTwo() {
    List<Server> s = Fixtures.servers(5);
    monitor(s, Fixtures.manual().ejection(Fixtures.maxPercent(40)));
    calls(s.get(0), 100, 0);
    calls(s.get(1), 100, 0);
    for (int i = 2; i < 5; i++) {
      calls(s.get(i), 0, 100);
    }
    ticker.advance(Duration.ofSeconds(10));
    monitor.tick();
    assertThat(ejected).hasSize(2);
    assertThat(s.subList(2, 5)).containsAll(ejected);
    long unavailable = s.stream().filter(x -> !monitor.isAvailable(x)).count();
    assertThat(unavailable).isEqualTo(2);
  }

  @Test
  void threeOfThreeWithMax67PercentEjectAtMostTwo() {
    List<Server> s = Fixtures.servers(3);
    monitor(s, Fixtures.manual().ejection(Fixtures.maxPercent(67))
        .failurePercentage(FailurePercentage.builder().minimumHosts(3).build()));
    for (Server x : s) {
      calls(x, 0, 100);
    }
    ticker.advance(Duration.ofSeconds(10));
    monitor.tick();
    assertThat(ejected).hasSize(2); // 2/3 = 66.7% <= 67%; a third would make 100%
    assertThat(s.stream().filter(monitor::isAvailable).count()).isEqualTo(1);
  }

  @Test
  void maxEjectionPercentCountsTheHostAboutToBeEjectedUnlessAlwaysAllowOne() {
    List<Server> s = Fixtures.servers(5);
    // 10% of 5 hosts: even one ejection would make 20%.
    monitor(s, Fixtures.manual().ejection(EjectionLimits.builder().alwaysAllowOne(false).build()));
    for (int i = 0; i < 4; i++) {
      calls(s.get(i), 200, 0);
    }
    calls(s.get(4), 100, 100);
    ticker.advance(Duration.ofSeconds(10));
    monitor.tick();
    assertThat(ejected).isEmpty();
    monitor.close();

    ejected.clear();
    monitor(s, Fixtures.manual()); // alwaysAllowOne by default, as Envoy
    for (int i = 0; i < 4; i++) {
      calls(s.get(i), 200, 0);
    }
    calls(s.get(4), 100, 100);
    ticker.advance(Duration.ofSeconds(10));
    monitor.tick();
    assertThat(ejected).containsExactly(s.get(4));
  }

  @Test
  void serverAtTenTimesTheLatencyIsEjectedAfterOneInterval() {
    List<Server> s = Fixtures.servers(5);
    monitor(s, Fixtures.manual());
    latencies(s, Duration.ofMillis(100));
    assertThat(ejected).isEmpty(); // nothing before the interval ends
    ticker.set(Duration.ofSeconds(10).toNanos());
    monitor.tick();
    assertThat(ejected).containsExactly(s.get(0));
    assertThat(reasons).containsExactly(Map.entry(EjectionReason.LATENCY, 1));
  }

  @Test
  void serverAtTwiceTheLatencyIsNotEjected() {
    List<Server> s = Fixtures.servers(5);
    monitor(s, Fixtures.manual());
    latencies(s, Duration.ofMillis(20));
    ticker.set(Duration.ofSeconds(10).toNanos());
    monitor.tick();
    assertThat(ejected).isEmpty();
  }

  /** 60 calls each, in rotation: server 0 takes {@code slow}, the others 10 ms. */
  private void latencies(List<Server> s, Duration slow) {
    for (int round = 0; round < 60; round++) {
      for (int i = 0; i < s.size(); i++) {
        long t = monitor.onStart(s.get(i));
        ticker.advance(i == 0 ? slow : Duration.ofMillis(10));
        monitor.onSuccess(s.get(i), t);
      }
    }
  }
}
