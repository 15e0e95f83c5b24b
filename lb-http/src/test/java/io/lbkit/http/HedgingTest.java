package io.lbkit.http;

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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hedged GET whose first copy stalls mid-body: the hedge (sent when the test moves the manual
 * clock past the hedge delay) wins, and the loser's exchange is cancelled, which closes its
 * connection: the stalled server sees its next writes fail.
 */
class HedgingTest {
  private static final Duration DELAY = Duration.ofMillis(50);
  private final AtomicInteger arrivals = new AtomicInteger(); // over both backends
  private final CountDownLatch firstArrived = new CountDownLatch(1);
  private final CountDownLatch hedgeWon = new CountDownLatch(1);
  private final CountDownLatch clientClosed = new CountDownLatch(1);
  private final AtomicInteger writesBeforeFailure = new AtomicInteger();
  // Whichever backend the balancer picks first gets the stalling answer; the other answers.
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
  private LoadBalancer lb;
  private LbHttpClient client;

  /** Headers and a first chunk, then nothing until the hedge won; then writes until they fail. */
  private void stall(HttpExchange x) throws Exception {
    x.sendResponseHeaders(200, 0); // chunked
    OutputStream out = x.getResponseBody();
    out.write("partial".getBytes());
    out.flush();
    firstArrived.countDown();
    hedgeWon.await(30, TimeUnit.SECONDS);
    byte[] chunk = new byte[16 * 1024];
    try {
      for (int i = 0; i < 4096; i++) { // 64 MiB at most: far past any socket buffer
        out.write(chunk);
        out.flush();
        writesBeforeFailure.incrementAndGet();
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
    client = LbHttpClient.builder(
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), lb)
        .service("inventory").build();
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

  private HttpRequest get() {
    return HttpRequest.newBuilder(client.uri("lb://inventory/items/42")).build();
  }

  @Test
  void asyncHedgeWinsAndTheLosersConnectionIsClosed() throws Exception {
    CompletableFuture<HttpResponse<String>> f = client.sendAsync(get(), BodyHandlers.ofString());
    assertThat(firstArrived.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(f).isNotDone();
    scheduler.advance(DELAY); // the hedge timer fires: a copy to the other backend
    HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
    hedgeWon.countDown();

    assertThat(r.body()).isEqualTo("fast");
    assertThat(clientClosed.await(30, TimeUnit.SECONDS)).as("the loser's connection closed")
        .isTrue();
    assertThat(arrivals).hasValue(2);
  }

  @Test
  void blockingHedgeWinsAndTheLosersConnectionIsClosed() throws Exception {
    CompletableFuture<HttpResponse<String>> f = CompletableFuture.supplyAsync(() -> {
      try {
        return client.send(get(), BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, executor);
    assertThat(firstArrived.await(30, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(DELAY);
    HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
    hedgeWon.countDown();

    assertThat(r.body()).isEqualTo("fast");
    assertThat(clientClosed.await(30, TimeUnit.SECONDS)).as("the loser's connection closed")
        .isTrue();
    assertThat(arrivals).hasValue(2);
  }

  @Test
  void aPostIsNotHedgedAndCancellingItClosesItsConnection() throws Exception {
    HttpRequest post = HttpRequest.newBuilder(client.uri("lb://inventory/orders"))
        .POST(HttpRequest.BodyPublishers.ofString("o")).build();
    CompletableFuture<HttpResponse<String>> f = client.sendAsync(post, BodyHandlers.ofString());
    assertThat(firstArrived.await(30, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(DELAY.multipliedBy(10)); // ten hedge delays: still no copy
    assertThat(f).isNotDone();
    assertThat(arrivals).hasValue(1);
    f.cancel(true); // the caller gives up: the exchange is aborted, its connection closed
    hedgeWon.countDown();
    assertThat(clientClosed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(arrivals).hasValue(1);
  }
}
