package io.lbkit.demo;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.failover.LoadBalancer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code java.net.http.HttpClient} behind an lbkit {@link LoadBalancer}: each call goes to the
 * server the balancer chooses, its outcome feeds health tracking, and the failover mode decides
 * whether a failed attempt is repeated elsewhere. The pattern a service copies; README shows it.
 *
 * <p>Reads are idempotent, so they may be retried after any failure. Writes are marked
 * non-idempotent: lbkit repeats one only when the classifier says it never reached the server
 * (connection refused, or this inventory service's 503), never after a timeout.
 *
 * <p>Threading: as thread-safe as the client and the balancer it wraps (both are).
 */
public final class LoadBalancedHttpClient {
  private static final Request WRITE = Request.builder().write(true).build(); // not idempotent: the default

  private final HttpClient http;
  private final LoadBalancer lb;
  private final Duration timeout;

  public LoadBalancedHttpClient(HttpClient http, LoadBalancer lb, Duration timeout) {
    this.http = http;
    this.lb = lb;
    this.timeout = timeout;
  }

  /** An idempotent GET of {@code path} ("/stock?sku=42"); may be retried on another server. */
  public HttpResponse<String> get(String path) throws Exception {
    return lb.execute(Request.IDEMPOTENT, server -> http.send(
        to(server, path).GET().build(), HttpResponse.BodyHandlers.ofString()));
  }

  /** A non-idempotent POST: sent again only if the failure proves it never got there. */
  public HttpResponse<String> post(String path, String body) throws Exception {
    return lb.execute(WRITE, server -> http.send(
        to(server, path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  private HttpRequest.Builder to(Server server, String path) {
    return HttpRequest.newBuilder(URI.create(
        "http://" + server.host() + ":" + server.port() + path)).timeout(timeout);
  }

  public LoadBalancer balancer() {
    return lb;
  }
}
