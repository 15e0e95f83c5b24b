package io.lbkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The filter and probe handler on a real JDK HttpServer, asked by the JDK HttpClient. */
class HttpServerReportingTest {
  private static final long MS = 1_000_000L;

  final AtomicLong clock = new AtomicLong();
  final LoadReporter reporter = LoadReporter.builder().clock(clock::get).capacity(2).build();
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final ExecutorService pool = Executors.newFixedThreadPool(4);
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  HttpServer server;

  HttpServerReportingTest() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(pool);
    server.createContext("/items", exchange -> {
      try {
        if (exchange.getRequestURI().getQuery() != null) { // ?hold: wait for the test
          entered.countDown();
          release.await(30, TimeUnit.SECONDS);
        }
        clock.addAndGet(20 * MS); // the call takes 20 ms of the reporter's time
        int code = exchange.getRequestURI().getPath().endsWith("/broken") ? 503 : 200;
        byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        exchange.close();
      }
    }).getFilters().add(reporter.filter());
    reporter.install(server);
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    pool.shutdownNow();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(request(path), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
        + path)).timeout(Duration.ofSeconds(10)).build();
  }

  @Test
  void responsesCarryTheLoadReportHeader() throws Exception {
    clock.set(1_000 * MS); // one second after the reporter was built
    HttpResponse<String> first = get("/items/1");
    assertThat(first.statusCode()).isEqualTo(200);
    // written when the call began: one call in flight, nothing completed yet
    assertThat(first.headers().firstValue(LoadReporter.HEADER))
        .hasValue("TEXT cpu_utilization=0.0, rps_fractional=0.0, eps=0.0");

    get("/items/broken");
    HttpResponse<String> third = get("/items/2");

    // at 1.04 s: 2 calls done (one a 503), one slot of two busy for 40 ms
    assertThat(third.headers().firstValue(LoadReporter.HEADER))
        .hasValue("TEXT cpu_utilization=0.0192, rps_fractional=1.9231, eps=0.9615");
  }

  @Test
  void probesAnswerTheCallsInFlightAndTheLatencyAtThatLoad() throws Exception {
    get("/items/1"); // 20 ms at RIF 0
    assertThat(get(LoadReporter.DEFAULT_PROBE_PATH).body()).isEqualTo("rif=0, latency_ms=20.0");

    CompletableFuture<HttpResponse<String>> held =
        client.sendAsync(request("/items/3?hold"), HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    HttpResponse<String> probe = get(LoadReporter.DEFAULT_PROBE_PATH);
    assertThat(probe.statusCode()).isEqualTo(200);
    assertThat(probe.body()).isEqualTo("rif=1, latency_ms=20.0"); // 2 slots: one more is free
    release.countDown();
    assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(reporter.inFlight()).isZero(); // probes are not counted as calls
  }
}
