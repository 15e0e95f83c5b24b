package io.lbkit.http;

import io.lbkit.Server;
import io.lbkit.internal.Checks;
import io.lbkit.spi.ProbeResult;
import io.lbkit.spi.Prober;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Probes servers over {@code java.net.http} for Prequal ({@code Strategies.prequal}): a GET of
 * {@code http://host:port/lbkit/probe}, the path {@code lb-server}'s probe handler answers, whose
 * body {@code rif=3, latency_ms=12.5} gives the server's requests in flight and the latency it
 * expects at that load.
 *
 * <pre>{@code
 * Strategy prequal = Strategies.prequal(PrequalConfig.of(HttpProber.create(http)));
 * }</pre>
 *
 * <p>Never blocks: {@link #probe} starts an asynchronous exchange on the caller's {@code
 * HttpClient} and returns. An answer other than 200, a body without {@code rif}, a timeout
 * ({@link Builder#timeout}, 500 ms by default) or a connection failure completes the stage
 * exceptionally: no answer, so the server gets no probe in the pool. The client stays the
 * caller's.
 */
public final class HttpProber implements Prober {
  /** The path probed by default, {@code lb-server}'s {@code LoadReporter.DEFAULT_PROBE_PATH}. */
  public static final String DEFAULT_PATH = "/lbkit/probe";
  /** How long a probe may take by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

  private final HttpClient client;
  private final String scheme;
  private final String path;
  private final Duration timeout;

  private HttpProber(Builder b) {
    this.client = b.client;
    this.scheme = b.scheme;
    this.path = b.path;
    this.timeout = b.timeout;
  }

  /**
   * A prober of {@code http://host:port}{@value #DEFAULT_PATH} with a 500 ms timeout.
   *
   * @param client sends the probes
   * @return the prober
   * @throws NullPointerException if {@code client} is null
   */
  public static HttpProber create(HttpClient client) {
    return builder(client).build();
  }

  /**
   * A builder starting from the defaults.
   *
   * @param client sends the probes
   * @return the builder
   * @throws NullPointerException if {@code client} is null
   */
  public static Builder builder(HttpClient client) {
    return new Builder(Checks.notNull(client, "client"));
  }

  @Override
  public CompletionStage<ProbeResult> probe(Server server) {
    HttpRequest request = HttpRequest.newBuilder(LbHttpClient.target(scheme, server, path))
        .timeout(timeout).GET().build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> {
          if (response.statusCode() != 200) {
            throw new CompletionException(new IllegalStateException("probe of " + server.id()
                + ": status " + response.statusCode() + " (expected: 200)"));
          }
          return parse(response.body());
        });
  }

  /**
   * Reads a probe answer, {@code rif=3, latency_ms=12.5}: comma-separated {@code key=value}
   * pairs, unknown keys ignored, {@code latency_ms} optional (0, unknown, when absent).
   *
   * @param body the answer
   * @return what it says
   * @throws IllegalArgumentException if {@code rif} is missing or a figure is not a number or
   *     negative
   */
  static ProbeResult parse(String body) {
    Integer rif = null;
    long latencyNanos = 0;
    for (String part : body.trim().split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      try {
        if (key.equals("rif")) {
          rif = Integer.parseInt(value);
        } else if (key.equals("latency_ms")) {
          double ms = Double.parseDouble(value);
          Checks.argument(ms >= 0 && ms < 1e12, "latency_ms", value, ">= 0");
          latencyNanos = Math.round(ms * 1e6);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": " + Checks.quote(value)
            + " (expected: a number)", e);
      }
    }
    if (rif == null) {
      throw new IllegalArgumentException("rif: missing in " + Checks.quote(body)
          + " (expected: rif=N, latency_ms=X)");
    }
    Checks.argument(rif >= 0, "rif", rif, ">= 0");
    return new ProbeResult(rif, latencyNanos);
  }

  @Override
  public String toString() {
    return "HttpProber(" + scheme + "://host:port" + path + ", timeout " + timeout + ')';
  }

  /** Builds an {@link HttpProber}; every setter validates its argument. */
  public static final class Builder {
    private final HttpClient client;
    private String scheme = "http";
    private String path = DEFAULT_PATH;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(HttpClient client) {
      this.client = client;
    }

    /**
     * {@code http} (the default) or {@code https}.
     *
     * @param scheme the scheme
     * @return this builder
     * @throws NullPointerException if {@code scheme} is null
     * @throws IllegalArgumentException if it is neither
     */
    public Builder scheme(String scheme) {
      Checks.notNull(scheme, "scheme");
      Checks.argument(scheme.equals("http") || scheme.equals("https"), "scheme",
          Checks.quote(scheme), "http or https");
      this.scheme = scheme;
      return this;
    }

    /**
     * The path probed (default {@value #DEFAULT_PATH}).
     *
     * @param path an absolute path
     * @return this builder
     * @throws NullPointerException if {@code path} is null
     * @throws IllegalArgumentException if it does not start with {@code /}
     */
    public Builder path(String path) {
      Checks.notNull(path, "path");
      Checks.argument(path.startsWith("/"), "path", Checks.quote(path), "starting with /");
      this.path = path;
      return this;
    }

    /**
     * How long a probe may take (default 500 ms); a late answer is no answer.
     *
     * @param timeout {@code > 0}
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive(timeout, "timeout");
      return this;
    }

    /** {@return the prober} */
    public HttpProber build() {
      return new HttpProber(this);
    }
  }
}
