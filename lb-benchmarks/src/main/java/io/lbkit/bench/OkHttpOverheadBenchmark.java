package io.lbkit.bench;

import com.sun.net.httpserver.HttpServer;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.okhttp.LbCallFactory;
import io.lbkit.okhttp.LbInterceptor;
import io.lbkit.strategy.Strategies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
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
 * What lb-okhttp adds to one OkHttp GET (issue 16's target: under 1 µs, and nothing per body
 * byte, so the difference must not grow with {@code size}):
 *
 * <ul>
 *   <li>{@code plain}: {@code OkHttpClient.newCall(request).execute()} of a prebuilt request to
 *       the server's address;
 *   <li>{@code interceptor}: the same client with an {@link LbInterceptor} added, the request
 *       written against the service ({@code http://inventory/items/42});
 *   <li>{@code factory}: {@link LbCallFactory#newCall} over the plain client, same request.
 * </ul>
 *
 * {@code target} is where the answer comes from: {@code loopback}, a JDK {@code HttpServer} on
 * 127.0.0.1 (the real path, whose round trip is most of ns/op and whose noise hides a
 * sub-microsecond difference), or {@code memory}, a last application interceptor that answers
 * 200 with {@code size} bytes at once, so that OkHttp's call machinery runs but no socket and
 * only lbkit's work differs. The balancer: round robin over one server, {@code retry(3)}, {@code
 * HealthConfig.defaults()}; a 5 s call timeout everywhere, so the adapters compute a deadline as
 * in production. Every variant reads the whole body ({@code bytes()}) and closes the response.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OkHttpOverheadBenchmark {
  static {
    // As in LbHttpBenchmark: without TCP_NODELAY the JDK server's two writes meet delayed ACK.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @Param({"plain", "interceptor", "factory"})
  String client;

  @Param({"memory", "loopback"})
  String target;

  @Param({"64", "16384"})
  int size;

  private HttpServer server;
  private ExecutorService serverThreads;
  private LoadBalancer lb;
  private Call.Factory calls;
  private Request request;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    byte[] body = new byte[size];
    int port;
    OkHttpClient.Builder base = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5));
    if (target.equals("loopback")) {
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
      port = server.getAddress().getPort();
    } else {
      port = 8080;
    }
    lb = LoadBalancer.builder(ServerPool.of(Server.of("127.0.0.1", port)))
        .strategy(Strategies.roundRobin()).failover(Failover.retry(3)).build();
    LbInterceptor interceptor = LbInterceptor.builder(lb).service("inventory").build();
    Interceptor answer = target.equals("memory") ? new Answer(body) : null;
    switch (client) {
      case "plain":
        calls = withAnswer(base, answer).build();
        request = new Request.Builder().url("http://127.0.0.1:" + port + "/items/42").build();
        break;
      case "interceptor":
        calls = withAnswer(base.addInterceptor(interceptor), answer).build();
        request = new Request.Builder().url(interceptor.url("lb://inventory/items/42")).build();
        break;
      default:
        calls = LbCallFactory.builder(withAnswer(base, answer).build(), lb).service("inventory")
            .build();
        request = new Request.Builder().url("http://inventory/items/42").build();
        break;
    }
  }

  private static OkHttpClient.Builder withAnswer(OkHttpClient.Builder b, Interceptor answer) {
    return answer == null ? b : b.addInterceptor(answer);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lb.close();
    if (server != null) {
      server.stop(0);
      serverThreads.shutdownNow();
    }
  }

  @Benchmark
  public byte[] get() throws IOException {
    try (Response r = calls.newCall(request).execute()) {
      return r.body().bytes();
    }
  }

  /** Answers every request with 200 and the same bytes, without calling on down the chain. */
  static final class Answer implements Interceptor {
    private final byte[] body;

    Answer(byte[] body) {
      this.body = body;
    }

    @Override
    public Response intercept(Chain chain) {
      return new Response.Builder().request(chain.request()).protocol(Protocol.HTTP_1_1)
          .code(200).message("OK").body(ResponseBody.create(body, null)).build();
    }
  }
}
