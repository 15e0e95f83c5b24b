package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.testing.ManualTicker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * What a pool member costs the monitor, from its object graph (JOL): most of a resilience4j
 * breaker is its count-based window (100 call records, 4.4 KB), so a server that never failed
 * must not hold one. Sizes are those of the JVM running the test; the bounds leave room for
 * object layouts other than 64-bit with compressed references.
 */
class FootprintTest {
  private static final int SERVERS = 2_000;

  private static List<Server> servers() {
    List<Server> s = new ArrayList<>(SERVERS);
    for (int i = 0; i < SERVERS; i++) {
      s.add(Server.of("10.1." + (i >> 8) + "." + (i & 255), 8080));
    }
    return s;
  }

  /** Bytes the monitor holds per member, beyond the pool's own servers. */
  private static double bytesPerServer(HealthMonitor m, ServerPool pool) {
    long own = GraphLayout.parseInstance(m).subtract(GraphLayout.parseInstance(pool.snapshot()))
        .totalSize();
    return own / (double) pool.snapshot().size();
  }

  @Test
  void aServerThatNeverFailedCostsNoBreaker() {
    ServerPool pool = ServerPool.of(servers());
    try (HealthMonitor m = HealthMonitor.builder(pool).ticker(new ManualTicker())
        .random(RandomSource.seeded(1)).build()) { // breakers on, count-based window of 100
      for (Server s : pool.servers()) {
        Fixtures.succeed(m, s, 3);
      }
      assertThat(bytesPerServer(m, pool)).isLessThan(1_000); // 5 700 with a breaker each

      Server failed = pool.servers().get(0);
      Fixtures.fail(m, failed, 1); // now it needs one
      assertThat(m.breakersMade()).isEqualTo(1);
      assertThat(m.circuitBreaker(failed).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(3);
      assertThat(m.circuitBreaker(failed).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }
  }
}
