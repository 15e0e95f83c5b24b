package io.lbkit.bench;

import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What OkHttp itself charges for a rewritten URL, the floor under lb-okhttp's per-attempt cost
 * ({@link OkHttpOverheadBenchmark}): an attempt needs a new {@link HttpUrl} (the chosen server's
 * host and port, the request's path and query) and a {@link Request} copy around it. {@code
 * fromOrigin} is what the adapter does (a cached origin's builder, the request's encoded path
 * and query), {@code portOnly} the cheapest way to any new {@code HttpUrl} (one field changed),
 * {@code parse} the whole string parsed, {@code requestCopy} the request rebuilt on a URL.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OkHttpUrlBenchmark {
  private final HttpUrl url = HttpUrl.get("http://inventory/items/42?fields=stock");
  private final HttpUrl origin = HttpUrl.get("http://127.0.0.1:8080/");
  private final String full = "http://127.0.0.1:8080/items/42?fields=stock";
  private final Request request = new Request.Builder().url(url)
      .header("Accept", "application/json").build();

  @Benchmark
  public HttpUrl fromOrigin() {
    return origin.newBuilder().encodedPath(url.encodedPath()).encodedQuery(url.encodedQuery())
        .encodedFragment(url.encodedFragment()).build();
  }

  @Benchmark
  public HttpUrl portOnly() {
    return url.newBuilder().port(8080).build();
  }

  @Benchmark
  public HttpUrl parse() {
    return HttpUrl.get(full);
  }

  @Benchmark
  public Request requestCopy() {
    return request.newBuilder().url(origin).build();
  }
}
