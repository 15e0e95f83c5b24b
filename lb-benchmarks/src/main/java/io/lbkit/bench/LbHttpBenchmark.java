package io.lbkit.bench;

import com.sun.net.httpserver.HttpServer;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.http.LbHttpClient;
import io.lbkit.strategy.Strategies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What lb-http adds to one GET, beside the plain JDK client, on a loopback JDK {@code HttpServer}
 * answering {@code size} bytes (target from issue 16: under 1 µs and nothing per byte, so the
 * difference in ns/op and B/op should not grow with {@code size}):
 *
 * <ul>
 *   <li>{@code plain}: {@code HttpClient.send} of a prebuilt request to the server;
 *   <li>{@code execute}: the hand-written pattern (lb-demo's {@code LoadBalancedHttpClient}):
 *       {@code LoadBalancer.execute} around {@code send} of a request built for the chosen server;
 *   <li>{@code lbHttp}: {@code LbHttpClient.send} of a prebuilt {@code lb://} request: the
 *       attempt's request and URI, the body-handler wrapper, the exchange's bookkeeping.
 * </ul>
 *
 * The balancer: round robin over the one server, {@code retry(3)} (first attempts succeed),
 * {@code HealthConfig.defaults()}. A request timeout is set in all three, so lb-http computes a
 * deadline as it would in production. The loopback round trip dominates ns/op, so the
 * differences are within its noise; B/op ({@code -prof gc}) is the steadier figure.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LbHttpBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  static {
    // Without TCP_NODELAY the JDK server's headers and body go out as two writes, and Nagle's
    // algorithm against the client's delayed ACK costs ~40 ms per exchange: the benchmark would
    // measure that timer. Read once, when the first HttpServer is made.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @Param({"plain", "execute", "lbHttp"})
  String client;

  @Param({"64", "16384"})
  int size;

  private HttpServer server;
  private ExecutorService serverThreads;
  private HttpClient http;
  private LoadBalancer lb;
  private LbHttpClient lbHttp;
  private HttpRequest plainRequest;
  private HttpRequest lbRequest;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    byte[] body = new byte[size];
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    serverThreads = Executors.newFixedThreadPool(2);
    server.setExecutor(serverThreads);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    int port = server.getAddress().getPort();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    lb = LoadBalancer.builder(ServerPool.of(Server.of("127.0.0.1", port)))
        .strategy(Strategies.roundRobin()).failover(Failover.retry(3)).build();
    lbHttp = LbHttpClient.builder(http, lb).service("inventory").build();
    plainRequest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items/42"))
        .timeout(TIMEOUT).build();
    lbRequest = HttpRequest.newBuilder(lbHttp.uri("lb://inventory/items/42")).timeout(TIMEOUT)
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lb.close();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  @Benchmark
  public Object get() throws Exception {
    switch (client) {
      case "plain":
        return http.send(plainRequest, BodyHandlers.ofByteArray()).body();
      case "execute":
        return lb.execute(Request.IDEMPOTENT, s -> http.send(HttpRequest.newBuilder(
                URI.create("http://" + s.host() + ":" + s.port() + "/items/42"))
            .timeout(TIMEOUT).build(), BodyHandlers.ofByteArray())).body();
      default:
        HttpResponse<byte[]> r = lbHttp.send(lbRequest, BodyHandlers.ofByteArray());
        return r.body();
    }
  }
}
