/**
 * Micrometer meters for lbkit: {@code io.lbkit.micrometer}'s {@code LbkitMetrics} binds what a
 * {@code LoadBalancer} keeps (servers by state, panic, per-server in-flight, outcomes and EWMA
 * latency, ejections, refusals, attempts by kind, budget refusals, pool updates, picker
 * publications) to a {@code MeterRegistry}; {@code DiscoveryMetrics} does the same for an
 * lb-discovery {@code Discovery}.
 *
 * <p>Transitive on {@code io.lbkit.health} and {@code micrometer.core} (the types this API takes);
 * lb-discovery is optional: only {@code DiscoveryMetrics} needs it.
 */
module io.lbkit.micrometer {
  requires transitive io.lbkit.health;
  requires transitive micrometer.core;
  requires static io.lbkit.discovery;

  exports io.lbkit.micrometer;
}
