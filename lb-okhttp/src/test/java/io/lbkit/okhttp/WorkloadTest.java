package io.lbkit.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.ConsecutiveFailures;
import io.lbkit.health.EjectionLimits;
import io.lbkit.health.EjectionReason;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthListener;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scenario on real servers, through the interceptor and through the call factory:
 * two healthy backends, one answering 503 to every other request, one that hangs, and one killed
 * mid-run. 300 GETs from 2 threads under {@code retry(3)}, each with a 5 s call timeout and 200
 * ms for an attempt (the client's read timeout, or the factory's attempt timeout), all succeed.
 *
 * <p>Why none can fail, by construction (as lb-http's WorkloadTest argues): a call's three
 * attempts go to three different servers; two failures in a row eject a server for ten minutes;
 * the workers pause half-way until the hanging one is ejected, and the killed one is stopped only
 * then, so at most two servers are bad at any time.
 */
class WorkloadTest {
  private final Backend a = Backend.ok("a");
  private final Backend b = Backend.ok("b");
  private final Backend flaky = Backend.start(
      (x, n) -> Backend.answer(x, n % 2 == 1 ? 503 : 200, n % 2 == 1 ? "busy" : "flaky"));
  private final Backend hanging = Backend.hanging();
  private final Backend killed = Backend.ok("killed");
  private final ExecutorService workers = Executors.newFixedThreadPool(2);

  @AfterEach
  void tearDown() throws Exception {
    workers.shutdownNow();
    for (Backend x : List.of(a, b, flaky, hanging, killed)) {
      x.close();
    }
  }

  @ParameterizedTest(name = "through the {0}")
  @ValueSource(strings = {"interceptor", "call factory"})
  void threeHundredGetsSucceedThroughAKilledAFlakyAndAHangingBackend(String way)
      throws Exception {
    Server hangingServer = hanging.address();
    CountDownLatch hangingEjected = new CountDownLatch(1);
    Set<Server> ejected = ConcurrentHashMap.newKeySet();
    HealthListener listener = new HealthListener() {
      @Override
      public void onEjected(Server server, EjectionReason reason, Duration duration) {
        ejected.add(server);
        if (server.equals(hangingServer)) {
          hangingEjected.countDown();
        }
      }
    };
    HealthConfig health = HealthConfig.builder()
        .consecutiveFailures(ConsecutiveFailures.of(2))
        .ejection(EjectionLimits.builder().baseTime(Duration.ofMinutes(10))
            .maxTime(Duration.ofMinutes(10)).maxPercent(100).build())
        .noSuccessRate().noFailurePercentage().noLatency().noCircuitBreaker().noSlowStart()
        .noPanic().noActiveChecks().build();
    ServerPool pool = ServerPool.of(a.address(), b.address(), flaky.address(), hangingServer,
        killed.address());
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    CountDownLatch halfway = new CountDownLatch(2);
    CountDownLatch resume = new CountDownLatch(1);
    try (LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .health(health).healthListener(listener).rebuildExecutor(Runnable::run)
        .budget(RetryBudget.unlimited())
        .failover(Failover.retry(3).backoff(Duration.ofMillis(1), Duration.ofMillis(2)))
        .build()) {
      Call.Factory calls;
      if (way.equals("interceptor")) {
        calls = Fixtures.client().readTimeout(Duration.ofMillis(200))
            .addInterceptor(LbInterceptor.builder(lb).service("inventory").build())
            .callTimeout(Duration.ofSeconds(5)).build();
      } else {
        OkHttpClient http = Fixtures.client().callTimeout(Duration.ofSeconds(5)).build();
        calls = LbCallFactory.builder(http, lb).service("inventory")
            .attemptTimeout(Duration.ofMillis(200)).build();
      }
      Runnable worker = () -> {
        for (int i = 0; i < 150; i++) {
          if (i == 75) {
            halfway.countDown();
            await(resume);
          }
          Request get = new Request.Builder().url("http://inventory/stock?sku=" + i).build();
          try (Response r = calls.newCall(get).execute()) {
            r.body().string();
            (r.code() == 200 ? ok : failures).incrementAndGet();
          } catch (Exception e) {
            failures.incrementAndGet();
          }
        }
      };
      Future<?> w1 = workers.submit(worker);
      Future<?> w2 = workers.submit(worker);
      assertThat(halfway.await(60, TimeUnit.SECONDS)).as("both workers half-way").isTrue();
      assertThat(hangingEjected.await(60, TimeUnit.SECONDS)).as("the hanging one ejected")
          .isTrue();
      killed.stop();
      resume.countDown();
      w1.get(120, TimeUnit.SECONDS);
      w2.get(120, TimeUnit.SECONDS);
    }
    assertThat(failures).hasValue(0);
    assertThat(ok).hasValue(300);
    assertThat(flaky.arrivals.get()).as("the flaky one's arrivals").isGreaterThanOrEqualTo(2);
    assertThat(ejected).contains(hangingServer, killed.address()).doesNotContain(a.address(),
        b.address());
    assertThat(hanging.arrivals.get()).isBetween(2, 10);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
