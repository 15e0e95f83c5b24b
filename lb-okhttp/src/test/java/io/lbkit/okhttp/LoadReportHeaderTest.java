package io.lbkit.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.LoadReport;
import io.lbkit.ServerPool;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.OrcaWrrConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Request;
import okhttp3.Response;
import org.jetbrains.annotations.NotNull;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Servers that report their load in the {@code endpoint-load-metrics} header, through the
 * interceptor and through the call factory (blocking and enqueued): every answer that carries it
 * reaches the balancer, and ORCA weighted round robin's weights follow the reports.
 */
class LoadReportHeaderTest {
  private final Backend half = reporting("TEXT cpu_utilization=0.5, rps_fractional=100");
  private final Backend quarter = reporting("TEXT cpu_utilization=0.25, rps_fractional=100");
  private final Backend full = reporting("TEXT cpu_utilization=1.0, rps_fractional=100");
  private final Backend[] backends = {half, quarter, full};
  private final ManualTicker ticker = new ManualTicker();
  private final LoadBalancer lb = LoadBalancer.builder(
          ServerPool.of(half.address(), quarter.address(), full.address()))
      .strategy(Strategies.orcaWeightedRoundRobin(
          OrcaWrrConfig.builder().blackoutPeriod(Duration.ZERO).build()))
      .health(HealthConfig.builder().noSlowStart().build())
      .ticker(ticker).scheduler(new ManualScheduler(ticker)).executor(Runnable::run)
      .build();

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

  private Call.Factory calls(String way) {
    if (way.equals("interceptor")) {
      return Fixtures.client().addInterceptor(LbInterceptor.builder(lb).service("inventory")
          .build()).build();
    }
    return LbCallFactory.builder(Fixtures.client().build(), lb).service("inventory").build();
  }

  private static void get(Call.Factory calls, int times, boolean enqueue) throws Exception {
    for (int i = 0; i < times; i++) {
      Call call = calls.newCall(new Request.Builder().url("http://inventory/stock").build());
      if (!enqueue) {
        try (Response r = call.execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
        continue;
      }
      CompletableFuture<Integer> code = new CompletableFuture<>();
      call.enqueue(new Callback() {
        @Override
        public void onFailure(@NotNull Call c, @NotNull java.io.IOException e) {
          code.completeExceptionally(e);
        }

        @Override
        public void onResponse(@NotNull Call c, @NotNull Response r) {
          try (r) {
            code.complete(r.code());
          }
        }
      });
      assertThat(code.get(30, TimeUnit.SECONDS)).isEqualTo(200);
    }
  }

  private int[] arrivals() {
    int[] a = new int[backends.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = backends[i].arrivals.get();
    }
    return a;
  }

  @ParameterizedTest
  @ValueSource(strings = {"interceptor", "factory", "factory-enqueued"})
  void theBalancersWeightsFollowTheReportedLoad(String way) throws Exception {
    Call.Factory calls = calls(way.startsWith("factory") ? "factory" : way);
    boolean enqueue = way.endsWith("enqueued");
    get(calls, 3, enqueue); // round robin, one each: every server has reported
    assertThat(arrivals()).containsExactly(1, 1, 1);
    assertThat(lb.tracker().metrics(quarter.address()).loadReport())
        .isEqualTo(LoadReport.of(0.25, 100, 0));

    ticker.advance(Duration.ofSeconds(1));
    get(calls, 1, enqueue); // the first report after the update period: weights 200, 400, 100
    int[] before = arrivals();
    get(calls, 70, enqueue);
    int[] after = arrivals();
    for (int i = 0; i < 3; i++) {
      after[i] -= before[i];
    }
    assertThat(after).containsExactly(20, 40, 10);
  }

  @Test
  void aMalformedHeaderIsIgnoredAndTheCallSucceeds() throws Exception {
    try (Backend bad = reporting("TEXT cpu_utilization=lots");
        LoadBalancer one = LoadBalancer.builder(ServerPool.of(bad.address()))
            .strategy(Strategies.orcaWeightedRoundRobin()).build()) {
      Call.Factory calls = Fixtures.client()
          .addInterceptor(LbInterceptor.builder(one).service("inventory").build()).build();
      try (Response r = calls.newCall(new Request.Builder().url("http://inventory/x").build())
          .execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isEqualTo("ok");
      }
      assertThat(one.tracker().metrics(bad.address()).loadReport()).isNull();
    }
  }
}
