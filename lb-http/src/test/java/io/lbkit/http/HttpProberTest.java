package io.lbkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lbkit.LoadTracker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.server.LoadReporter;
import io.lbkit.spi.ProbeResult;
import io.lbkit.spi.Prober;
import io.lbkit.strategy.PrequalConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HttpProber against lb-server's real probe handler on a JDK HttpServer. */
class HttpProberTest {
  private static final long MS = 1_000_000L;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final List<HttpServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  /** A server answering probes from {@code reporter}; returns it as an lbkit server. */
  Server serve(LoadReporter reporter) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    reporter.install(s);
    s.start();
    servers.add(s);
    return Server.of("127.0.0.1", s.getAddress().getPort());
  }

  /** A reporter that served one call of {@code latencyMs} and has {@code inFlight} running. */
  static LoadReporter reporter(long latencyMs, int inFlight) {
    AtomicLong clock = new AtomicLong();
    LoadReporter r = LoadReporter.builder().clock(clock::get).capacity(4).build();
    LoadReporter.Call c = r.begin();
    clock.addAndGet(latencyMs * MS);
    c.end(false);
    for (int k = 0; k < inFlight; k++) {
      r.begin();
    }
    return r;
  }

  static ProbeResult await(CompletionStage<ProbeResult> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void readsTheServersRifAndLatency() throws Exception {
    Server s = serve(reporter(12, 3));

    ProbeResult r = await(HttpProber.create(http).probe(s));

    assertThat(r).isEqualTo(new ProbeResult(3, 12 * MS));
  }

  @Test
  void aServerWithoutTheProbePathGivesNoAnswer() throws IOException {
    HttpServer plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    plain.start();
    servers.add(plain);
    Server s = Server.of("127.0.0.1", plain.getAddress().getPort());

    assertThatThrownBy(() -> await(HttpProber.create(http).probe(s)))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("status 404 (expected: 200)");
  }

  @Test
  void parsesTheAnswerAndRefusesOneWithoutRif() {
    assertThat(HttpProber.parse("rif=7, latency_ms=0.25, extra=1"))
        .isEqualTo(new ProbeResult(7, 250_000L));
    assertThat(HttpProber.parse("rif=0")).isEqualTo(new ProbeResult(0, 0));
    assertThatThrownBy(() -> HttpProber.parse("latency_ms=3"))
        .hasMessage("rif: missing in \"latency_ms=3\" (expected: rif=N, latency_ms=X)");
    assertThatThrownBy(() -> HttpProber.parse("rif=x"))
        .hasMessage("rif: \"x\" (expected: a number)");
  }

  @Test
  void prequalOverHttpProbesSendsToTheServerThatAnsweredLessLoadedAndFaster() throws Exception {
    Server slow = serve(reporter(80, 3));
    Server fast = serve(reporter(5, 0));
    CountDownLatch answered = new CountDownLatch(2);
    HttpProber http = HttpProber.create(this.http);
    Prober counting = server -> { // counts an answer once the pool has taken it
      CompletableFuture<ProbeResult> taken = new CompletableFuture<>();
      http.probe(server).whenComplete((r, e) -> {
        if (r != null) {
          taken.complete(r); // runs the pool's callback before returning
        } else {
          taken.completeExceptionally(e);
        }
        answered.countDown();
      });
      return taken;
    };
    ManualScheduler scheduler = new ManualScheduler(new ManualTicker());
    Selector selector = Selector.builder(ServerPool.of(slow, fast))
        .strategy(Strategies.prequal(PrequalConfig.builder(counting).scheduler(scheduler)
            .probesPerPick(2).build()))
        .tracker(LoadTracker.create(scheduler.ticker())).random(RandomSource.seeded(3)).build();

    selector.choose(); // no probe yet: peak EWMA picks, and the pick asks for two probes
    scheduler.advance(PrequalConfig.DEFAULT_PROBE_INTERVAL);
    assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();

    // fast: RIF 0 at 5 ms; slow: RIF 3 at 80 ms. Each use adds one to fast's RIF; it stays at
    // or below the quantile of the two (0.84 of the way from the lower to the higher) for three
    // picks, then ties at 3, where latency decides again.
    for (int k = 0; k < 4; k++) {
      assertThat(selector.choose()).isEqualTo(fast);
    }
  }
}
