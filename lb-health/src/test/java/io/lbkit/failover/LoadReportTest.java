package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Attempt;
import io.lbkit.LoadReport;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.OrcaWrrConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The failover engine's attempts pass load reports on to the health monitor's load metrics, and
 * the tiers of {@code primaryBackup()} pass them on to the ORCA strategy they wrap.
 */
class LoadReportTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<Server> servers = List.of(
      Server.builder("10.0.0.1", 80).priority(0).build(),
      Server.builder("10.0.0.2", 80).priority(0).build(),
      Server.builder("10.0.0.3", 80).priority(1).build());
  private final LoadBalancer lb = LoadBalancer.builder(ServerPool.of(servers))
      .strategy(Strategies.orcaWeightedRoundRobin(
          OrcaWrrConfig.builder().blackoutPeriod(Duration.ZERO).build()))
      .health(HealthConfig.builder().noSlowStart().build())
      .failover(Failover.primaryBackup())
      .ticker(ticker).scheduler(new ManualScheduler(ticker)).executor(Runnable::run)
      .build();

  private void report(int server, double utilization) {
    Request only = Request.NONE;
    for (int i = 0; i < 2; i++) {
      if (i != server) {
        only = only.excluding(servers.get(i));
      }
    }
    try (Attempt a = lb.begin(only)) {
      assertThat(a.server()).isEqualTo(servers.get(server));
      a.success();
      a.report(LoadReport.of(utilization, 100, 0)); // after the end: still counted
    }
  }

  @Test
  void reportsThroughTheBalancersAttemptsReachTheWeightsOfTheWrappedStrategy() {
    report(0, 0.5); // weight 200
    report(1, 0.25); // weight 400
    assertThat(lb.tracker().metrics(servers.get(1)).loadReport())
        .isEqualTo(LoadReport.of(0.25, 100, 0));
    ticker.advance(Duration.ofSeconds(1));
    report(0, 0.5); // the first after the update period: weights computed again

    int[] picks = new int[3];
    for (int i = 0; i < 300; i++) {
      picks[servers.indexOf(lb.choose())]++;
    }
    assertThat(picks).containsExactly(100, 200, 0);
    lb.close();
  }
}
