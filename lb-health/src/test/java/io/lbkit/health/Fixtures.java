package io.lbkit.health;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.util.ArrayList;
import java.util.List;

/** Shared test set-up: servers, a monitor on a manual ticker with no background ticking. */
final class Fixtures {
  private Fixtures() {}

  static List<Server> servers(int n) {
    List<Server> s = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      s.add(Server.of("10.0.0." + (i + 1), 8080));
    }
    return s;
  }

  /**
   * The defaults. On a manual ticker with no scheduler given, the monitor ticks only when the
   * test says so (or an outcome report finds something due).
   */
  static HealthConfig.Builder manual() {
    return HealthConfig.builder();
  }

  /** Default ejection limits but for the max percent. */
  static EjectionLimits maxPercent(double percent) {
    return EjectionLimits.builder().maxPercent(percent).build();
  }

  static HealthMonitor monitor(ServerPool pool, HealthConfig config, ManualTicker ticker,
      HealthListener... listeners) {
    HealthMonitor.Builder b = HealthMonitor.builder(pool).config(config).ticker(ticker)
        .random(RandomSource.seeded(7));
    for (HealthListener l : listeners) {
      b.listener(l);
    }
    return b.build();
  }

  static void fail(HealthMonitor m, Server s, int times) {
    for (int i = 0; i < times; i++) {
      m.onFailure(s, m.onStart(s), new RuntimeException("boom"));
    }
  }

  static void succeed(HealthMonitor m, Server s, int times) {
    for (int i = 0; i < times; i++) {
      m.onSuccess(s, m.onStart(s));
    }
  }
}
