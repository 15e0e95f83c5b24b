package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.lbkit.testing.ManualTicker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServerModelTest {

  private static double meanMillis(ServiceTime t, int n) {
    SplittableRandom r = new SplittableRandom(11);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += t.sampleNanos(r) / 1e6;
    }
    return sum / n;
  }

  @Test
  void serviceTimeDistributionsHaveTheGivenMean() {
    assertThat(meanMillis(ServiceTime.lognormal(20), 200_000)).isCloseTo(20.0, offset(0.1));
    assertThat(meanMillis(ServiceTime.exponential(20), 200_000)).isCloseTo(20.0, offset(0.2));
    assertThat(meanMillis(ServiceTime.constant(20), 10)).isEqualTo(20.0);
    // lognormal sigma 0.5: median = mean x exp(-0.125)
    assertThat(ServiceTime.lognormal(20).medianMillis()).isCloseTo(17.650, offset(0.001));
  }

  @Test
  void warmUpEasesOffLinearlyToNormalSpeed() {
    ServerSpec cold = ServerSpec.of("a", ServiceTime.constant(10)).withWarmup(4, 20_000);

    assertThat(cold.warmupMultiplier(0)).isEqualTo(4.0);
    assertThat(cold.warmupMultiplier(10_000_000_000L)).isEqualTo(2.5);
    assertThat(cold.warmupMultiplier(20_000_000_000L)).isEqualTo(1.0);
    assertThat(cold.warmupMultiplier(Long.MAX_VALUE / 2)).isEqualTo(1.0);
  }

  @Test
  void hottestKeyIsDrawnWithItsShare() {
    Keys keys = new Keys(1000, 1.0, 0.2);
    SplittableRandom r = new SplittableRandom(5);
    int top = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      int k = keys.sample(r);
      assertThat(k).isBetween(1, 1000);
      if (k == 1) {
        top++;
      }
    }
    assertThat((double) top / n).isCloseTo(keys.topShare(), offset(0.005));
  }

  @Test
  void deadServerRefusesAfterOneMillisecondAndResetsWhatItWasServing() {
    ManualTicker ticker = new ManualTicker();
    EventQueue events = new EventQueue(ticker);
    SimServer server = new SimServer(0,
        ServerSpec.of("a", ServiceTime.constant(10)).withCapacity(1), events,
        new SplittableRandom(1));
    List<String> outcomes = new ArrayList<>();
    server.receive(o -> outcomes.add(o + "@" + ticker.read() / 1_000_000));
    server.receive(o -> outcomes.add(o + "@" + ticker.read() / 1_000_000)); // queued
    events.at(5_000_000, () -> server.setCondition(Condition.DEAD));
    events.at(6_000_000, () -> server.receive(o -> outcomes.add(o + "@" + ticker.read() / 1_000_000)));
    events.at(8_000_000, () -> server.setCondition(Condition.UP));
    events.at(9_000_000, () -> server.receive(o -> outcomes.add(o + "@" + ticker.read() / 1_000_000)));

    events.runAll();

    assertThat(outcomes).containsExactly("RESET@5", "RESET@5", "REFUSED@7", "OK@19");
  }

  @Test
  void fullQueueRejectsAtOnce() {
    ManualTicker ticker = new ManualTicker();
    EventQueue events = new EventQueue(ticker);
    SimServer server = new SimServer(0,
        new ServerSpec("a", ServiceTime.constant(10), 1, 1, 1.0, 0), events,
        new SplittableRandom(1));
    List<String> outcomes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      server.receive(o -> outcomes.add(o + "@" + ticker.read() / 1_000_000));
    }

    events.runAll();

    assertThat(outcomes).containsExactly("OVERLOADED@1", "OK@10", "OK@20");
  }

  @Test
  void badSettingsAreRejectedWithTheFieldAndWhatWasExpected() {
    assertThatThrownBy(() -> Condition.failing(1.5))
        .hasMessage("errorRate: 1.5 (expected: in [0, 1])");
    assertThatThrownBy(() -> ServerSpec.of("a", ServiceTime.lognormal(5)).withCapacity(0))
        .hasMessage("capacity: 0 (expected: >= 1)");
    assertThatThrownBy(() -> Policies.retry(-1)).hasMessage("retries: -1 (expected: >= 0)");
    assertThatThrownBy(() -> Catalog.variant("nope", "load", "failFast"))
        .hasMessageStartingWith("strategy: nope (expected: one of [roundRobin, random");
  }
}
