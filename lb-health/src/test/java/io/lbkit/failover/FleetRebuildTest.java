package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Fleet;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
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

  /** A fleet the test moves; listeners run on the moving thread. */
  static final class MovingFleet implements Fleet {
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    volatile Position position;

    MovingFleet(Position position) {
      this.position = position;
    }

    void move(Position next) {
      position = next;
      listeners.forEach(Runnable::run);
    }

    @Override
    public Position position() {
      return position;
    }

    @Override
    public void addChangeListener(Runnable listener) {
      listeners.add(listener);
    }

    @Override
    public void removeChangeListener(Runnable listener) {
      listeners.remove(listener);
    }
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
      MovingFleet fleet = new MovingFleet(new Fleet.Position(0, 3));
      LoadBalancer lb = lb(failover, fleet);
      assertThat(fleet.listeners).as("%s", failover).hasSize(1);
      assertThat(chosen(lb)).as("%s", failover).containsExactly("10.0.0.0:80", "10.0.0.1:80");

      fleet.move(new Fleet.Position(2, 3));

      assertThat(chosen(lb)).as("%s", failover).containsExactly("10.0.0.4:80", "10.0.0.5:80");
      lb.close();
      assertThat(fleet.listeners).as("%s", failover).isEmpty();
    }
  }
}
