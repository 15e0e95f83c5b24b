package io.lbkit.health;

import io.lbkit.Server;
import io.lbkit.internal.Checks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntPredicate;

/**
 * HTTP GET health checks on {@code java.net.http}: a server is healthy when {@code GET
 * scheme://host:port/path} answers with an accepted status (2xx by default). The body is
 * discarded. Connection errors complete the stage exceptionally, which counts as a failed check.
 */
public final class HttpHealthCheck {
  private HttpHealthCheck() {}

  /**
   * {@code GET http://host:port/path}, healthy on 2xx, with no per-request timeout of its own.
   *
   * @param client the client to send with (its executor runs the completion)
   * @param path the path, starting with {@code /}
   * @return the check
   * @throws NullPointerException if {@code client} or {@code path} is null
   * @throws IllegalArgumentException if {@code path} does not start with {@code /}
   */
  public static HealthCheck get(HttpClient client, String path) {
    return get(client, "http", path, null, status -> status >= 200 && status < 300);
  }

  /**
   * {@code GET scheme://host:port/path}, healthy when {@code healthyStatus} accepts the status.
   * An IPv6 host is put in brackets.
   *
   * @param client the client to send with (its executor runs the completion)
   * @param scheme {@code "http"} or {@code "https"}
   * @param path the path, starting with {@code /}
   * @param requestTimeout the request's own timeout, or null; the monitor's check timeout applies
   *     either way, this one also frees the connection
   * @param healthyStatus which status codes mean healthy
   * @return the check
   * @throws NullPointerException if {@code client}, {@code path} or {@code healthyStatus} is null
   * @throws IllegalArgumentException if {@code scheme} is neither {@code "http"} nor {@code
   *     "https"}, {@code path} does not start with {@code /}, or {@code requestTimeout} is not
   *     positive
   */
  public static HealthCheck get(HttpClient client, String scheme, String path,
      Duration requestTimeout, IntPredicate healthyStatus) {
    Checks.notNull(client, "client");
    Checks.argument("http".equals(scheme) || "https".equals(scheme), "scheme", scheme,
        "http or https");
    Checks.notNull(path, "path");
    Checks.argument(path.startsWith("/"), "path", Checks.quote(path), "starts with /");
    Checks.notNull(healthyStatus, "healthyStatus");
    if (requestTimeout != null) {
      Checks.positive(requestTimeout, "requestTimeout");
    }
    return server -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri(scheme, server, path)).GET();
      if (requestTimeout != null) {
        b.timeout(requestTimeout);
      }
      return client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding())
          .thenApply(response -> healthyStatus.test(response.statusCode()));
    };
  }

  static URI uri(String scheme, Server server, String path) {
    String host = server.host();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]"; // an IPv6 literal
    }
    return URI.create(scheme + "://" + host + ":" + server.port() + path);
  }
}
