package io.lbkit.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.strategy.Strategies;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A blocking call its caller cancels while an attempt hangs, under {@code retry(3)}: the call
 * ends with the IOException OkHttp's cancel caused (mid-read, "Socket closed"), and nothing is
 * retried (the attempt ended as a cancel).
 */
class CancelTest {
  private final CountDownLatch arrived = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final Backend stalling = Backend.start((x, n) -> {
    arrived.countDown();
    release.await(30, TimeUnit.SECONDS);
    Backend.answer(x, 200, "late");
  });
  private LoadBalancer lb;

  @BeforeEach
  void setUp() {
    lb = LoadBalancer.builder(ServerPool.of(stalling.address()))
        .strategy(Strategies.roundRobin()).budget(RetryBudget.unlimited())
        .failover(Failover.retry(3).noBackoff()).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    lb.close();
    stalling.close();
  }

  @ParameterizedTest(name = "through the {0}")
  @ValueSource(strings = {"interceptor", "call factory"})
  void aCancelledCallEndsWithCanceledAndIsNotRetried(String way) throws Exception {
    Call.Factory calls = way.equals("interceptor")
        ? Fixtures.client().addInterceptor(LbInterceptor.builder(lb).service("inventory")
            .build()).build()
        : LbCallFactory.builder(Fixtures.client().build(), lb).service("inventory").build();
    Call call = calls.newCall(new Request.Builder().url("http://inventory/items/1").build());
    CompletableFuture<Throwable> ended = CompletableFuture.supplyAsync(() -> {
      try {
        call.execute().close();
        return null;
      } catch (IOException e) {
        return e;
      }
    });
    assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
    call.cancel();
    assertThat(ended.get(30, TimeUnit.SECONDS)).isInstanceOf(IOException.class)
        .hasMessage("Socket closed");
    assertThat(call.isCanceled()).isTrue();
    assertThat(stalling.arrivals).hasValue(1); // the call has ended: no retry can follow
  }
}
