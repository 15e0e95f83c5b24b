package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerLoad;
import io.lbkit.spi.ServerMetrics;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Spillover on a manual scheduler: each period the test reports calls to the servers' counters
 * (local ones at a chosen latency and error rate, the other zone's at 20 ms), lets the timer fire
 * and rebuilds, as a selector would when told.
 */
class ZoneSpilloverTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final ServerMetrics[] metrics = new ServerMetrics[10];
  private final AtomicInteger rebuildsAsked = new AtomicInteger();
  private final Runnable listener = rebuildsAsked::incrementAndGet;
  private final Strategy strategy = Strategies.zoneAware(ZoneAwareConfig.builder("eu-1")
      .spillover(ZoneSpillover.of(scheduler)).build(), Strategies.roundRobin());
  private final Candidates candidates = candidates();
  private Picker picker;

  /** 5 servers in eu-1 (0..4), 5 in eu-2 (5..9). */
  private Candidates candidates() {
    return candidates(metrics, "10.4.0.");
  }

  private Candidates candidates(ServerMetrics[] metrics, String network) {
    Server[] servers = new Server[10];
    ServerLoad[] loads = new ServerLoad[10];
    for (int i = 0; i < 10; i++) {
      servers[i] = Server.builder(network + (i + 1), 8080).zone(i < 5 ? "eu-1" : "eu-2")
          .build();
      metrics[i] = new ServerMetrics(servers[i].id(), 0L, 10_000_000_000L);
      loads[i] = metrics[i];
    }
    return Candidates.of(ServerPool.of(servers).snapshot(), servers, loads, null,
        NoServerAvailableException.Reason.EMPTY_POOL, RandomSource.seeded(3), ticker);
  }

  private double share() {
    return ((ZoneAwareStrategy.ZonePicker) picker).share;
  }

  /** One period: 10 calls per server, then the timer, then the rebuild it asks for. */
  private double period(double localMillis, double localErrors) {
    return period(10, localMillis, localErrors);
  }

  private double period(int callsPerServer, double localMillis, double localErrors) {
    calls(metrics, callsPerServer, localMillis, localErrors);
    int before = rebuildsAsked.get();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(rebuildsAsked.get()).isEqualTo(before + 1);
    picker = strategy.newPicker(candidates, picker);
    return share();
  }

  /** {@code callsPerServer} calls ended on each server, the local ones as told. */
  private void calls(ServerMetrics[] metrics, int callsPerServer, double localMillis,
      double localErrors) {
    for (int i = 0; i < 10; i++) {
      boolean local = i < 5;
      for (int k = 0; k < callsPerServer; k++) {
        metrics[i].onStart();
        metrics[i].onComplete((long) ((local ? localMillis : 20) * 1e6),
            !(local && k < localErrors * 10), ticker.read());
      }
    }
  }

  private List<Double> periods(int n, double localMillis, double localErrors) {
    List<Double> shares = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      shares.add(Math.round(period(localMillis, localErrors) * 1000) / 1000.0);
    }
    return shares;
  }

  @Test
  void spillsStepByStepWhileTheLocalZoneIsSlowerAndComesBackAsItRecovers() {
    strategy.addChangeListener(listener);
    picker = strategy.newPicker(candidates, null);
    // healthy: everything local but the 1% probe share
    assertThat(share()).isEqualTo(0.99);
    assertThat(periods(2, 20, 0)).containsExactly(0.99, 0.99);
    // 3x slower (ratio 3 > 1.5): a tenth more spills each second, down to 90%
    assertThat(periods(10, 60, 0))
        .containsExactly(0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1);
    // 1.3x (between 1.2 and 1.5): the spill holds, no flapping
    assertThat(periods(3, 26, 0)).containsExactly(0.1, 0.1, 0.1);
    // recovered (ratio 1): back a tenth per second
    assertThat(periods(10, 20, 0))
        .containsExactly(0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99, 0.99);
  }

  @Test
  void spillsOnErrorsAboveTheOtherZonesByMoreThanTheMargin() {
    strategy.addChangeListener(listener);
    picker = strategy.newPicker(candidates, null);
    // 10% errors at the same latency: 0.1 - 0 > 0.05
    assertThat(periods(3, 20, 0.1)).containsExactly(0.9, 0.8, 0.7);
    // 0 errors again: recovered
    assertThat(periods(2, 20, 0)).containsExactly(0.8, 0.9);
  }

  @Test
  void aPeriodWithTooFewLocalCallsHoldsTheSpill() {
    strategy.addChangeListener(listener);
    picker = strategy.newPicker(candidates, null);
    assertThat(periods(2, 60, 0)).containsExactly(0.9, 0.8);
    // no calls at all: nothing new is known, so the last degraded reading moves nothing
    assertThat(period(0, 60, 0)).isEqualTo(0.8);
    assertThat(period(0, 60, 0)).isEqualTo(0.8);
    // calls again, healthy: back a tenth
    assertThat(period(10, 20, 0)).isEqualTo(0.9);
  }

  @Test
  void rebuildsForOtherReasonsBetweenTwoTimersDoNotMoveTheSpill() {
    strategy.addChangeListener(listener);
    picker = strategy.newPicker(candidates, null);
    assertThat(period(60, 0)).isCloseTo(0.9, offset(1e-9));
    for (int i = 0; i < 5; i++) {
      picker = strategy.newPicker(candidates, picker); // a health change, say
    }
    assertThat(share()).isCloseTo(0.9, offset(1e-9));
  }

  @Test
  void selectorsSharingTheStrategyEachSpillByTheirOwnCalls() {
    // one instance for two services: this one's local zone is 3x slower, the other's is healthy
    ServerMetrics[] otherMetrics = new ServerMetrics[10];
    Candidates otherService = candidates(otherMetrics, "10.6.0.");
    strategy.addChangeListener(listener);
    strategy.addChangeListener(() -> {});
    picker = strategy.newPicker(candidates, null);
    Picker other = strategy.newPicker(otherService, null);
    for (int i = 0; i < 3; i++) {
      calls(metrics, 10, 60, 0);
      calls(otherMetrics, 10, 20, 0);
      scheduler.advance(Duration.ofSeconds(1));
      picker = strategy.newPicker(candidates, picker);
      other = strategy.newPicker(otherService, other);
    }
    assertThat(share()).isCloseTo(0.7, offset(1e-9));
    assertThat(((ZoneAwareStrategy.ZonePicker) other).share).isEqualTo(0.99);
  }

  @Test
  void theTimerRunsOnlyWhileASelectorListens() {
    assertThat(scheduler.pending()).isZero();
    strategy.addChangeListener(listener);
    assertThat(scheduler.pending()).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(rebuildsAsked.get()).isEqualTo(3);
    strategy.removeChangeListener(listener);
    assertThat(scheduler.pending()).isZero();
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(rebuildsAsked.get()).isEqualTo(3);
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> ZoneSpillover.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler: null (expected: non-null)");
    assertThatThrownBy(() -> ZoneSpillover.builder(scheduler).latencyRatios(1.5, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recoveryRatio: 1.5 (expected: >= 1 and < latencyRatio 1.5)");
    assertThatThrownBy(() -> ZoneSpillover.builder(scheduler).step(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("step: 0.0 (expected: in (0, 1])");
    assertThatThrownBy(() -> ZoneSpillover.builder(scheduler).probeShare(0.6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probeShare: 0.6 (expected: in [0, 0.5])");
    assertThatThrownBy(() -> ZoneSpillover.builder(scheduler).period(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
