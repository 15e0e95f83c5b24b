package io.lbkit.demo;

import io.lbkit.Server;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.util.concurrent.TimeUnit;

/** The demo's figures, read from the balancer's meters (lb-micrometer) as a dashboard would. */
final class DemoMeters {
  static final String SERVICE = "inventory";

  private final MeterRegistry registry;

  DemoMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Attempts of one kind ({@code first}, {@code retry}, {@code hedge}...) begun so far. */
  long attempts(String kind) {
    return count("lbkit.attempts", "kind", kind);
  }

  /** Extra attempts the retry budget refused so far, every kind together. */
  long budgetRefusals() {
    return (long) registry.find("lbkit.retry.budget.refusals").tag("service", SERVICE)
        .functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
  }

  /** Calls refused for want of a server so far, every reason together. */
  long refusals() {
    return (long) registry.find("lbkit.refusals").tag("service", SERVICE)
        .functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
  }

  long requests(Server s, String outcome) {
    FunctionCounter c = registry.find("lbkit.server.requests").tag("service", SERVICE)
        .tag("server", s.id()).tag("outcome", outcome).functionCounter();
    return c == null ? 0 : (long) c.count();
  }

  long inFlight(Server s) {
    var g = registry.find("lbkit.server.in.flight").tag("service", SERVICE)
        .tag("server", s.id()).gauge();
    return g == null ? 0 : (long) g.value();
  }

  /** The server's EWMA latency in ms, NaN before its first call ended. */
  double ewmaMillis(Server s) {
    TimeGauge g = registry.find("lbkit.server.latency.ewma").tag("service", SERVICE)
        .tag("server", s.id()).timeGauge();
    return g == null ? Double.NaN : g.value(TimeUnit.MILLISECONDS);
  }

  private long count(String name, String tag, String value) {
    FunctionCounter c = registry.find(name).tag("service", SERVICE).tag(tag, value)
        .functionCounter();
    return c == null ? 0 : (long) c.count();
  }
}
