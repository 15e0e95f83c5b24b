package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthMonitor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guarantee 7, per-key half: no strategy keeps state per key (affinity lives in the hash
 * structures built per pool, not in tables keyed by request), so any number of distinct keys
 * leaves the per-server state at one entry per member.
 */
class KeyStateBoundTest {
  private static final int KEYS = 100_000;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.lbkit.reliability.EveryStrategy#arguments")
  void distinctKeysWithoutBoundLeaveOneStateEntryPerServer(String name, Strategy strategy) {
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      servers.add(Server.builder("10.0.0." + (i + 1), 8080).zone(i % 2 == 0 ? "z1" : "z2")
          .build());
    }
    ServerPool pool = ServerPool.of(servers);
    ManualTicker ticker = new ManualTicker();
    try (HealthMonitor monitor = HealthMonitor.builder(pool).ticker(ticker)
        .random(RandomSource.seeded(1)).build();
        Selector selector = Selector.builder(pool).strategy(strategy).tracker(monitor)
            .random(RandomSource.seeded(2)).build()) {
      for (int k = 0; k < KEYS; k++) {
        Server s = selector.choose(Request.withKey("session-" + k));
        monitor.onSuccess(s, monitor.onStart(s));
      }

      assertThat(monitor.stateSize()).isEqualTo(servers.size());
      long requests = 0;
      for (Server s : servers) {
        requests += monitor.stats(s).requests();
        assertThat(monitor.stats(s).inFlight()).isZero();
      }
      assertThat(requests).isEqualTo(KEYS);
    }
  }
}
