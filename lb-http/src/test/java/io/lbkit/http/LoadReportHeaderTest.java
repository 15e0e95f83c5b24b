package io.lbkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.LoadReport;
import io.lbkit.ServerPool;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.OrcaWrrConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Servers that report their load in the {@code endpoint-load-metrics} header: every answer that
 * carries it reaches the balancer, and ORCA weighted round robin's weights follow the reports.
 */
class LoadReportHeaderTest {
  private final Backend half = reporting("TEXT cpu_utilization=0.5, rps_fractional=100"); // 200
  private final Backend quarter = reporting("TEXT cpu_utilization=0.25, rps_fractional=100");
  private final Backend full = reporting("TEXT cpu_utilization=1.0, rps_fractional=100, eps=0");
  private final Backend[] backends = {half, quarter, full};
  private final ManualTicker ticker = new ManualTicker();
  private final LoadBalancer lb = LoadBalancer.builder(
          ServerPool.of(half.address(), quarter.address(), full.address()))
      .strategy(Strategies.orcaWeightedRoundRobin(
          OrcaWrrConfig.builder().blackoutPeriod(Duration.ZERO).build()))
      .health(HealthConfig.builder().noSlowStart().build())
      .ticker(ticker).scheduler(new ManualScheduler(ticker)).executor(Runnable::run)
      .build();
  private final LbHttpClient client = LbHttpClient.builder(
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), lb)
      .service("inventory").build();

  private static Backend reporting(String header) {
    return Backend.start((x, n) -> {
      x.getResponseHeaders().add(LoadReport.HEADER, header);
      Backend.answer(x, 200, "ok");
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    lb.close();
    for (Backend b : backends) {
      b.close();
    }
  }

  private void get(int times, boolean async) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(client.uri("lb://inventory/stock")).build();
    for (int i = 0; i < times; i++) {
      HttpResponse<String> response = async
          ? client.sendAsync(r, BodyHandlers.ofString()).get()
          : client.send(r, BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  private int[] arrivals() {
    int[] a = new int[backends.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = backends[i].arrivals.get();
    }
    return a;
  }

  @Test
  void theBalancersWeightsFollowTheReportedLoad() throws Exception {
    get(3, false); // round robin, one each: every server has reported
    assertThat(arrivals()).containsExactly(1, 1, 1);
    LoadReport r = lb.tracker().metrics(quarter.address()).loadReport();
    assertThat(r).isEqualTo(LoadReport.of(0.25, 100, 0));

    ticker.advance(Duration.ofSeconds(1));
    get(1, false); // its report is the first after the update period: weights 200, 400, 100
    int[] before = arrivals();
    get(35, false);
    get(35, true);
    int[] after = arrivals();
    for (int i = 0; i < 3; i++) {
      after[i] -= before[i];
    }
    assertThat(after).containsExactly(20, 40, 10);
  }

  @Test
  void aMalformedHeaderIsIgnoredAndTheCallSucceeds() throws Exception {
    try (Backend bad = reporting("TEXT cpu_utilization=lots, rps_fractional=-1");
        LoadBalancer one = LoadBalancer.builder(ServerPool.of(bad.address()))
            .strategy(Strategies.orcaWeightedRoundRobin()).build()) {
      LbHttpClient c = LbHttpClient.builder(HttpClient.newHttpClient(), one).service("inventory")
          .build();
      HttpResponse<String> response = c.send(
          HttpRequest.newBuilder(c.uri("lb://inventory/x")).build(), BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("ok");
      assertThat(one.tracker().metrics(bad.address()).loadReport()).isNull();
    }
  }
}
