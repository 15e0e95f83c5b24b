package io.lbkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.discovery.Discovery;
import io.lbkit.discovery.Polling;
import io.lbkit.discovery.PollingSource;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Discovery's meters through a polled source whose answers the test sets, on a fake ticker. */
class DiscoveryMetricsTest {
  private static final Server A = Server.of("10.0.0.1", 8080);
  private static final Server B = Server.of("10.0.0.2", 8080);

  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicReference<List<Server>> answer = new AtomicReference<>(List.of(A));
  private final AtomicReference<IOException> failure = new AtomicReference<>();

  private double value(String name, String... tags) {
    return registry.get(name).tag("service", "inventory").tags(tags).meter().measure()
        .iterator().next().getValue();
  }

  @Test
  void updatesStalenessServersAndFailuresFollowTheSource() {
    PollingSource source = PollingSource.of(() -> {
      IOException e = failure.get();
      if (e != null) {
        throw e;
      }
      return answer.get();
    }, Polling.every(Duration.ofSeconds(10)));
    ServerPool pool = ServerPool.empty();
    try (Discovery d = Discovery.builder(source, pool).ticker(ticker).scheduler(scheduler)
        .executor(Runnable::run).random(RandomSource.seeded(1)).start();
        DiscoveryMetrics metrics = DiscoveryMetrics.of(d, "inventory")) {
      scheduler.runDue();
      metrics.bindTo(registry);
      assertThat(value("lbkit.discovery.updates")).isEqualTo(1);
      assertThat(value("lbkit.discovery.servers", "state", "all")).isEqualTo(1);
      assertThat(registry.get("lbkit.discovery.staleness").timeGauge()
          .value(TimeUnit.SECONDS)).isZero();

      answer.set(List.of(A, B));
      scheduler.advance(Duration.ofSeconds(10));
      assertThat(value("lbkit.discovery.updates")).isEqualTo(2);
      assertThat(value("lbkit.discovery.servers", "state", "all")).isEqualTo(2);

      failure.set(new IOException("registry down"));
      scheduler.advance(Duration.ofSeconds(10));
      assertThat(value("lbkit.discovery.failures")).isEqualTo(1);
      assertThat(value("lbkit.discovery.updates")).isEqualTo(2);
      assertThat(registry.get("lbkit.discovery.staleness").timeGauge()
          .value(TimeUnit.SECONDS)).isEqualTo(10);
      assertThat(value("lbkit.discovery.servers", "state", "draining")).isZero();

      metrics.close();
      assertThat(registry.getMeters()).isEmpty();
    }
  }

  @Test
  void aBlankServiceIsRefused() {
    try (Discovery d = Discovery.builder(PollingSource.of(() -> List.of(A)), ServerPool.empty())
        .ticker(ticker).scheduler(scheduler).executor(Runnable::run).start()) {
      assertThatThrownBy(() -> DiscoveryMetrics.of(d, ""))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service");
    }
  }
}
