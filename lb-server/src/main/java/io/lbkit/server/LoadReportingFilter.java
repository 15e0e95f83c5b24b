package io.lbkit.server;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/** {@link LoadReporter#filter()}: counts each exchange and writes the report header. */
final class LoadReportingFilter extends Filter {
  private final LoadReporter reporter;

  LoadReportingFilter(LoadReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    LoadReporter.Call call = reporter.begin();
    boolean failed = true;
    try {
      // set before the handler sends its headers; the figures include this call in flight
      exchange.getResponseHeaders().set(LoadReporter.HEADER, reporter.headerValue());
      chain.doFilter(exchange);
      failed = exchange.getResponseCode() >= 500;
    } finally {
      call.end(failed);
    }
  }

  @Override
  public String description() {
    return "lbkit load reports (" + LoadReporter.HEADER + ")";
  }
}
