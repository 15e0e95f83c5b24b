package io.lbkit.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import io.lbkit.RandomSource;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hedged GET through {@link LbCallFactory} whose first copy gets no answer: the hedge (sent
 * when the test moves the manual clock past the hedge delay) wins, and the loser's OkHttp call is
 * cancelled, which closes its connection: the stalled server sees its writes fail. (OkHttp hands
 * a call its response at the headers, so the stall is before them.)
 */
class HedgingTest {
  private static final Duration DELAY = Duration.ofMillis(50);
  private final AtomicInteger arrivals = new AtomicInteger(); // over both backends
  private final CountDownLatch firstArrived = new CountDownLatch(1);
  private final CountDownLatch hedgeWon = new CountDownLatch(1);
  private final CountDownLatch clientClosed = new CountDownLatch(1);
  private final Backend.Behaviour firstStalls = (x, n) -> {
    if (arrivals.incrementAndGet() == 1) {
      stall(x);
    } else {
      Backend.answer(x, 200, "fast");
    }
  };
  private final Backend one = Backend.start(firstStalls);
  private final Backend two = Backend.start(firstStalls);
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final OkHttpClient http = Fixtures.client().build();
  private LoadBalancer lb;
  private LbCallFactory calls;

  /** Nothing until the hedge won; then an answer written until the writes fail. */
  private void stall(HttpExchange x) throws Exception {
    firstArrived.countDown();
    hedgeWon.await(30, TimeUnit.SECONDS);
    byte[] chunk = new byte[16 * 1024];
    try {
      x.sendResponseHeaders(200, 0); // chunked
      OutputStream out = x.getResponseBody();
      for (int i = 0; i < 4096; i++) { // 64 MiB at most: far past any socket buffer
        out.write(chunk);
        out.flush();
      }
    } catch (IOException e) {
      clientClosed.countDown();
    }
  }

  @BeforeEach
  void setUp() {
    lb = LoadBalancer.builder(ServerPool.of(one.address(), two.address()))
        .strategy(Strategies.roundRobin()).failover(Failover.hedged(DELAY))
        .budget(RetryBudget.unlimited()).ticker(ticker).scheduler(scheduler).executor(executor)
        .random(RandomSource.seeded(7)).build();
    calls = LbCallFactory.builder(http, lb).service("inventory").build();
  }

  @AfterEach
  void tearDown() throws Exception {
    hedgeWon.countDown();
    lb.close();
    executor.shutdownNow();
    for (Backend b : List.of(one, two)) {
      b.close();
    }
  }

  private Request get() {
    return new Request.Builder().url(calls.url("lb://inventory/items/42")).build();
  }

  @Test
  void enqueuedHedgeWinsAndTheLosersConnectionIsClosed() throws Exception {
    CompletableFuture<String> f = new CompletableFuture<>();
    calls.newCall(get()).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        f.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call call, Response response) throws IOException {
        try (response) {
          f.complete(response.body().string());
        }
      }
    });
    assertThat(firstArrived.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(f).isNotDone();
    scheduler.advance(DELAY); // the hedge timer fires: a copy to the other backend
    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("fast");
    hedgeWon.countDown();

    assertThat(clientClosed.await(30, TimeUnit.SECONDS)).as("the loser's connection closed")
        .isTrue();
    assertThat(arrivals).hasValue(2);
    // the winner's connection went back to the pool; the loser's is gone
    assertThat(http.connectionPool().idleConnectionCount()).isEqualTo(1);
  }

  @Test
  void executedHedgeWinsAndTheLosersConnectionIsClosed() throws Exception {
    CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
      try (Response r = calls.newCall(get()).execute()) {
        return r.body().string();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }, executor);
    assertThat(firstArrived.await(30, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(DELAY);
    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("fast");
    hedgeWon.countDown();

    assertThat(clientClosed.await(30, TimeUnit.SECONDS)).as("the loser's connection closed")
        .isTrue();
    assertThat(arrivals).hasValue(2);
  }

  @Test
  void aPostIsNotHedgedAndCancellingItClosesItsConnection() throws Exception {
    Request post = new Request.Builder().url(calls.url("lb://inventory/orders"))
        .post(RequestBody.create("o", MediaType.get("text/plain"))).build();
    Call call = calls.newCall(post);
    CompletableFuture<IOException> failed = new CompletableFuture<>();
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        failed.complete(e);
      }

      @Override
      public void onResponse(Call c, Response response) {
        response.close();
        failed.complete(null);
      }
    });
    assertThat(firstArrived.await(30, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(DELAY.multipliedBy(10)); // ten hedge delays: still no copy
    assertThat(failed).isNotDone();
    assertThat(arrivals).hasValue(1);
    call.cancel(); // the caller gives up: the attempt's call is cancelled, its connection closed
    assertThat(failed.get(30, TimeUnit.SECONDS)).hasMessage("Canceled");
    assertThat(call.isCanceled()).isTrue();
    hedgeWon.countDown();
    assertThat(clientClosed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(arrivals).hasValue(1);
  }
}
