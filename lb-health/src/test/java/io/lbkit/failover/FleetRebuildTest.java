package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Fleet;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualFleet;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A balancer whose strategy is a subset over a fleet follows the fleet: the failover modes that
 * wrap the strategy (tiers, read/write) pass its change listener on, and the balancer's
 * selector rebuilds when the fleet moves, with no pool or health change.
 */
class FleetRebuildTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ServerPool pool;

  FleetRebuildTest() {
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      servers.add(Server.of("10.0.0." + i, 80));
    }
    pool = ServerPool.of(servers);
  }

  private LoadBalancer lb(Failover failover, Fleet fleet) {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.subset(2, fleet, Strategies.roundRobin()))
        .health(HealthConfig.defaults())
        .failover(failover).ticker(ticker).random(RandomSource.seeded(3))
        .scheduler(new ManualScheduler(ticker)).executor(Runnable::run).build();
  }

  private static Set<String> chosen(LoadBalancer lb) throws Exception {
    Set<String> ids = new TreeSet<>();
    for (int i = 0; i < 60; i++) {
      ids.add(lb.execute(server -> server).id());
    }
    return ids;
  }

  @Test
  void everyFailoverModeFollowsTheFleetAndLetsGoOfItWhenClosed() throws Exception {
    for (Failover failover : List.of(Failover.retry(2), Failover.primaryBackup(),
        Failover.readWrite())) {
      ManualFleet fleet = new ManualFleet(new Fleet.Position(0, 3));
      LoadBalancer lb = lb(failover, fleet);
      assertThat(fleet.listenerCount()).as("%s", failover).isEqualTo(1);
      assertThat(chosen(lb)).as("%s", failover).containsExactly("10.0.0.0:80", "10.0.0.1:80");

      fleet.move(new Fleet.Position(2, 3));

      assertThat(chosen(lb)).as("%s", failover).containsExactly("10.0.0.4:80", "10.0.0.5:80");
      lb.close();
      assertThat(fleet.listenerCount()).as("%s", failover).isZero();
    }
  }
}
