package io.lbkit.bench;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.okhttp.LbCallFactory;
import io.lbkit.okhttp.LbInterceptor;
import io.lbkit.strategy.Strategies;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
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
 * Where {@link OkHttpOverheadBenchmark}'s difference goes, step by step, every variant on the
 * same client configuration and the same in-memory answer (64 B): {@code plain}; {@code proceed},
 * an interceptor that only calls {@code chain.proceed(chain.request())} (one more chain step);
 * {@code requestCopy}, one that proceeds with a copy of the request on a URL built beforehand
 * (the floor of any rewrite: one {@code Request} copy, no {@code HttpUrl} work); {@code
 * rewrite}, one that builds each attempt's URL as a server origin's builder with the request's
 * encoded path and query; {@code execute}, one that only runs the proceed under {@code
 * lb.execute}; {@code both}, the rewrite under {@code lb.execute} (what lb-okhttp did before its
 * attempt URLs skipped the builder, without its bookkeeping); then lb-okhttp's {@code
 * interceptor} and {@code factory}. Under load, run it with {@code -bm sample} and compare
 * medians: each call's timeout signals okio's watchdog thread ({@code AsyncTimeout.enter}, an
 * unpark when the watchdog sleeps; a quarter of plain's running samples in {@code -prof stack}),
 * every variant has a slow mode near 4 µs at p90 there, and how often the watchdog is asleep
 * depends on the timing of the loop, which moves the means more than lbkit's work does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OkHttpCostBreakdownBenchmark {
  @Param({"plain", "proceed", "requestCopy", "rewrite", "execute", "both", "interceptor",
      "factory"})
  String client;

  private LoadBalancer lb;
  private Call.Factory calls;
  private okhttp3.Request request;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] body = new byte[64];
    lb = LoadBalancer.builder(ServerPool.of(Server.of("127.0.0.1", 8080)))
        .strategy(Strategies.roundRobin()).failover(Failover.retry(3)).build();
    OkHttpClient.Builder base = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5));
    Interceptor answer = new OkHttpOverheadBenchmark.Answer(body);
    HttpUrl service = HttpUrl.get("http://inventory/items/42");
    HttpUrl direct = HttpUrl.get("http://127.0.0.1:8080/items/42");
    HttpUrl origin = HttpUrl.get("http://127.0.0.1:8080/");
    request = new okhttp3.Request.Builder().url(service).build();
    Interceptor first;
    switch (client) {
      case "plain":
        first = null;
        request = new okhttp3.Request.Builder().url(direct).build();
        break;
      case "proceed":
        first = chain -> chain.proceed(chain.request());
        break;
      case "requestCopy":
        first = chain -> chain.proceed(chain.request().newBuilder().url(direct).build());
        break;
      case "rewrite":
        first = chain -> {
          HttpUrl u = chain.request().url();
          return chain.proceed(chain.request().newBuilder().url(origin.newBuilder()
              .encodedPath(u.encodedPath()).encodedQuery(u.encodedQuery()).build()).build());
        };
        break;
      case "execute":
        first = chain -> lb.execute(Request.IDEMPOTENT, s -> chain.proceed(chain.request()));
        break;
      case "both":
        first = chain -> lb.execute(Request.IDEMPOTENT, s -> {
          HttpUrl u = chain.request().url();
          return chain.proceed(chain.request().newBuilder().url(origin.newBuilder()
              .encodedPath(u.encodedPath()).encodedQuery(u.encodedQuery()).build()).build());
        });
        break;
      case "interceptor":
        first = LbInterceptor.builder(lb).service("inventory").build();
        break;
      case "factory":
        first = null;
        break;
      default:
        throw new IllegalArgumentException(client);
    }
    if (first != null) {
      base.addInterceptor(first);
    }
    OkHttpClient http = base.addInterceptor(answer).build();
    calls = client.equals("factory")
        ? LbCallFactory.builder(http, lb).service("inventory").build() : http;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lb.close();
  }

  @Benchmark
  public byte[] get() throws IOException {
    try (Response r = calls.newCall(request).execute()) {
      return r.body().bytes();
    }
  }
}
