package io.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.HealthConfig;
import io.lbkit.micrometer.LbkitMetrics;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The live table reads the balancer's meters and shows no latency for a server that only fails. */
class LiveTableTest {

  @Test
  void aServerWithNoSuccessInTheSecondShowsADashForLatencyAndRetriesAreCounted() {
    ManualTicker ticker = new ManualTicker();
    Server up = Server.of("127.0.0.1", 9001);
    Server dead = Server.of("127.0.0.1", 9002);
    ServerPool pool = ServerPool.of(up, dead);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
            .health(HealthConfig.builder().noConsecutiveFailures().noCircuitBreaker()
                .noActiveChecks().build())
            .failover(Failover.retry(2)).ticker(ticker).random(RandomSource.seeded(1))
            .executor(Runnable::run).rebuildExecutor(Runnable::run).build();
        LbkitMetrics metrics = LbkitMetrics.of(lb, DemoMeters.SERVICE);
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      metrics.bindTo(registry);
      for (int i = 0; i < 4; i++) {
        lb.execute(io.lbkit.Request.IDEMPOTENT, s -> {
          ticker.advance(Duration.ofMillis(3));
          if (s.equals(dead)) {
            throw new ConnectException("refused");
          }
          return "ok";
        });
      }
      OrderWorkload orders = new OrderWorkload(null, 1, 0, 0);
      new LiveTable(pool, lb.tracker(), new DemoMeters(registry), orders, out).print(1.0);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    String table = bytes.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("retries/s");
    String upLine = line(table, DemoNames.of(up));
    String deadLine = line(table, DemoNames.of(dead));
    assertThat(deadLine).contains(" — ");
    assertThat(upLine).doesNotContain("—").contains("3.0");
  }

  private static String line(String table, String name) {
    return table.lines().filter(l -> l.trim().startsWith(name + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + name + " in\n" + table));
  }
}
