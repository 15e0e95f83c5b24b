package io.lbkit.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kotlin.jvm.internal.DefaultConstructorMarker;
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
 * {@code parse} the whole string parsed, {@code requestCopy} the request rebuilt on a URL; {@code
 * resolveTail} the origin's builder parsing the request's text after the host, {@code
 * hostAndPort} the request URL's builder given the server's host and port, and {@code
 * constructor} what lb-okhttp does now when it can ({@code AttemptUrls}): the parts, decoded
 * once per call, handed to {@code HttpUrl}'s constructor with the concatenated text.
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

  private final String tail = url.toString().substring("http://inventory".length());

  private static final MethodHandle CONSTRUCTOR = findConstructor();
  private final String prefix = "http://127.0.0.1:8080";

  private static MethodHandle findConstructor() {
    try {
      return MethodHandles.publicLookup().findConstructor(HttpUrl.class,
          MethodType.methodType(void.class, String.class, String.class, String.class,
              String.class, int.class, List.class, List.class, String.class, String.class,
              DefaultConstructorMarker.class));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What lb-okhttp does per attempt (AttemptUrls): the parts handed to HttpUrl's constructor. */
  @Benchmark
  public HttpUrl constructor() throws Throwable {
    return (HttpUrl) CONSTRUCTOR.invokeExact(origin.scheme(), "", "", origin.host(),
        origin.port(), url.pathSegments(), query, url.fragment(), prefix.concat(tail),
        (DefaultConstructorMarker) null);
  }

  private final List<String> query = List.of("fields", "stock");

  @Benchmark
  public HttpUrl resolveTail() {
    return origin.newBuilder(tail).build();
  }

  @Benchmark
  public HttpUrl hostAndPort() {
    return url.newBuilder().host("127.0.0.1").port(8080).build();
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
