package io.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.HealthConfig;
import io.lbkit.http.HttpProber;
import io.lbkit.server.LoadReporter;
import io.lbkit.spi.Prober;
import io.lbkit.strategy.PrequalConfig;
import io.lbkit.strategy.Strategies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The inventory servers' lb-server load reports and probe answers, and the demo under prequal. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadReportsEndToEndTest {

  @Test
  void inventoryAnswersCarryALoadReportAndItsProbePathAnswers() throws Exception {
    try (Rig rig = Rig.start(2, 1_000, 3, Duration.ofSeconds(2), (pool, http) ->
        LoadBalancer.builder(pool).strategy(NamedStrategies.byName("roundRobin"))
            .health(HealthConfig.builder().noCircuitBreaker().noLatency().build())
            .failover(Failover.failFast()).build())) {
      HttpResponse<String> stock = rig.client.get("/stock?sku=1");
      assertThat(stock.statusCode()).isEqualTo(200);
      assertThat(stock.headers().firstValue(LoadReporter.HEADER)).hasValueSatisfying(v ->
          assertThat(v).matches("TEXT cpu_utilization=[0-9.]+, rps_fractional=[0-9.]+, "
              + "eps=[0-9.]+"));

      InventoryServer s = rig.cluster.byName("inv-1");
      HttpResponse<String> probe = rig.http.send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + s.port() + LoadReporter.DEFAULT_PROBE_PATH)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(probe.statusCode()).isEqualTo(200);
      assertThat(probe.body()).matches("rif=0, latency_ms=[0-9.]+");
      assertThat(s.load().inFlight()).isZero(); // every call ended, probes not counted
    }
  }

  @Test
  void prequalProbesTheInventoryServersThroughHttpProber() throws Exception {
    Set<String> answered = ConcurrentHashMap.newKeySet();
    CountDownLatch everyServerAnswered = new CountDownLatch(1);
    try (Rig rig = Rig.start(3, 1_000, 3, Duration.ofSeconds(2), (pool, http) -> {
      HttpProber probes = HttpProber.create(http);
      Prober counting = server -> probes.probe(server).whenComplete((r, e) -> {
        if (e == null && answered.add(server.id()) && answered.size() == 3) {
          everyServerAnswered.countDown(); // each server answered a probe, parsed by HttpProber
        }
      });
      return LoadBalancer.builder(pool).strategy(Strategies.prequal(PrequalConfig.of(counting)))
          .health(HealthConfig.builder().noCircuitBreaker().noLatency().build())
          .failover(Failover.failFast()).build();
    })) {
      // each pick makes the probe task send a probe; keep picking until all three answered
      for (int i = 0; i < 2_000 && everyServerAnswered.getCount() > 0; i++) {
        assertThat(rig.client.get("/stock?sku=" + i).statusCode()).isEqualTo(200);
      }
      assertThat(everyServerAnswered.await(10, TimeUnit.SECONDS)).as("answered: %s", answered)
          .isTrue();
    }
  }

  @Test
  void theDemoRunsUnderPrequalWithNoFailedOrder() throws Exception {
    DemoSummary s;
    try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8)) {
      s = OrderServiceDemo.run(DemoOptions.parse("--duration", "3", "--quiet", "--registry",
          "none", "--faults", "none", "--strategy", "prequal"), out);
    }
    assertThat(s.strategy()).isEqualTo("prequal");
    assertThat(s.ordersPlaced()).isPositive();
    assertThat(s.ordersFailed()).as("failed orders: %s", s.failures()).isZero();
    assertThat(s.requestsByServer()).hasSize(5);
  }
}
