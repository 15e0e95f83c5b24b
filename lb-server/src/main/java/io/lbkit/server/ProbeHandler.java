package io.lbkit.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@link LoadReporter#probeHandler()}: answers {@code rif=N, latency_ms=X} at once, without
 * reading the request body or counting itself as a call.
 */
final class ProbeHandler implements HttpHandler {
  private final LoadReporter reporter;

  ProbeHandler(LoadReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body = reporter.probeAnswer().getBytes(StandardCharsets.US_ASCII);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=us-ascii");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }
}
