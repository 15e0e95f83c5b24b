/**
 * The server-side half of lbkit's load-aware strategies, JDK only: {@code io.lbkit.server}'s
 * {@code LoadReporter} tracks a server's requests in flight, utilization, throughput, errors and
 * latency at each load, writes them in the {@code endpoint-load-metrics} response header (ORCA's
 * TEXT form) and answers Prequal probes on the JDK {@code HttpServer}.
 *
 * <p>Transitive on {@code jdk.httpserver}, whose filter and handler types its API returns.
 */
module io.lbkit.server {
  requires transitive jdk.httpserver;

  exports io.lbkit.server;
}
