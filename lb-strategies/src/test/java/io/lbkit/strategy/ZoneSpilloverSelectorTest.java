package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.HealthTracker;
import io.lbkit.LoadTracker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Spillover through a real selector and tracker: the selector's change listener is what the
 * timer calls, the rebuild it triggers publishes the new share, and closing the selector leaves
 * nothing scheduled.
 */
class ZoneSpilloverSelectorTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final LoadTracker tracker = LoadTracker.create(ticker);

  /** 4 servers in eu-1, 4 in eu-2. */
  private static ServerPool pool() {
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      servers.add(Server.builder("10.5.0." + (i + 1), 8080).zone(i < 4 ? "eu-1" : "eu-2")
          .build());
    }
    return ServerPool.of(servers);
  }

  /** A second of calls: each chosen server answers in 60 ms in eu-1, 20 ms in eu-2. */
  private double secondOfCalls(Selector selector, int calls) {
    int local = 0;
    for (int i = 0; i < calls; i++) {
      Server s = selector.choose();
      boolean isLocal = s.zone().equals("eu-1");
      local += isLocal ? 1 : 0;
      long t0 = tracker.onStart(s);
      ticker.advance(Duration.ofMillis(isLocal ? 60 : 20)); // one call at a time
      tracker.onSuccess(s, t0);
    }
    scheduler.advance(Duration.ofSeconds(1));
    return (double) local / calls;
  }

  @Test
  void theTimerRebuildsTheSelectorAndMovesCallsAwayFromASlowLocalZone() {
    Selector selector = Selector.builder(pool())
        .strategy(Strategies.zoneAware(ZoneAwareConfig.builder("eu-1")
            .spillover(ZoneSpillover.builder(scheduler).probeShare(0.1).build()).build(),
            Strategies.roundRobin()))
        .tracker((HealthTracker) tracker).random(RandomSource.seeded(5)).build();
    assertThat(scheduler.pending()).isEqualTo(1);

    List<Double> shares = new ArrayList<>();
    for (int second = 0; second < 8; second++) {
      shares.add(secondOfCalls(selector, 200));
    }
    // at first 90% local (the probe share set to 10% so the other zone is measured at once),
    // then a tenth less each second as the local zone measures 3x slower
    assertThat(shares.get(0)).isBetween(0.85, 0.95);
    assertThat(shares.get(7)).isLessThan(0.35);
    for (int i = 1; i < shares.size(); i++) {
      assertThat(shares.get(i)).as("second %d of %s", i, shares)
          .isLessThanOrEqualTo(shares.get(i - 1) + 0.05);
    }

    selector.close();
    assertThat(scheduler.pending()).isZero();
  }
}
