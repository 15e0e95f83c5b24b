package io.lbkit.micrometer;

import io.lbkit.discovery.Discovery;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Binds the meters of one lb-discovery {@link Discovery} (a source feeding a pool) to Micrometer
 * registries; needs lb-discovery on the class or module path.
 *
 * <pre>{@code
 * DiscoveryMetrics.of(discovery, "inventory").bindTo(registry);
 * }</pre>
 *
 * <p><b>Meters</b>, each tagged {@code service}, read from {@link Discovery#status()} at scrape
 * time: {@code lbkit.discovery.updates} (counter: lists that changed the pool, the status's
 * version), {@code lbkit.discovery.staleness} (time gauge: time since the last usable list, or
 * since the start when there was none; grows through a registry outage), {@code
 * lbkit.discovery.servers} (gauge, tag {@code state}: all, draining) and {@code
 * lbkit.discovery.failures} (gauge: failures since the last usable list). Alert on staleness:
 * the pool keeps its last list through an outage, so nothing else shows one.
 *
 * <p>Thread-safe; {@link #close()} removes the meters from every registry bound. Meters hold the
 * {@code Discovery} weakly, as Micrometer's gauges do: once it is collected they read NaN.
 */
public final class DiscoveryMetrics implements MeterBinder, AutoCloseable {
  private final Discovery discovery;
  private final Tags tags;
  private final List<Registered> bound = new ArrayList<>(); // guarded by this

  private DiscoveryMetrics(Discovery discovery, String service) {
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    Objects.requireNonNull(service, "service");
    if (service.isBlank()) {
      throw new IllegalArgumentException(
          "service: \"" + service + "\" (expected: a service name, not blank)");
    }
    this.tags = Tags.of("service", service);
  }

  /**
   * The binder of {@code discovery}'s meters, tagged {@code service=<service>}.
   *
   * @param discovery the binder to measure; stays the caller's
   * @param service the name of the service it discovers, the value of the {@code service} tag
   * @return the meter binder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code service} is blank
   */
  public static DiscoveryMetrics of(Discovery discovery, String service) {
    return new DiscoveryMetrics(discovery, service);
  }

  /**
   * Registers the meters in {@code registry}.
   *
   * @param registry the registry to add them to
   * @throws NullPointerException if {@code registry} is null
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Discovery d = discovery;
    List<Meter> meters = new ArrayList<>(5);
    meters.add(FunctionCounter.builder("lbkit.discovery.updates", d,
            x -> x.status().version())
        .description("lists from the source that changed the pool").tags(tags).register(registry));
    meters.add(TimeGauge.builder("lbkit.discovery.staleness", d, TimeUnit.NANOSECONDS,
            x -> x.status().staleness().toNanos())
        .description("time since the source last gave a usable list").tags(tags)
        .register(registry));
    meters.add(Gauge.builder("lbkit.discovery.servers", d, x -> x.status().serverCount())
        .description("servers in the pool, and those of them waiting out the removal delay")
        .tags(tags).tag("state", "all").register(registry));
    meters.add(Gauge.builder("lbkit.discovery.servers", d, x -> x.status().drainingCount())
        .description("servers in the pool, and those of them waiting out the removal delay")
        .tags(tags).tag("state", "draining").register(registry));
    meters.add(Gauge.builder("lbkit.discovery.failures", d,
            x -> x.status().consecutiveFailures())
        .description("source failures and rejected answers since the last usable list")
        .tags(tags).register(registry));
    bound.add(new Registered(registry, meters));
  }

  /** Removes the meters from every registry they were bound to. */
  @Override
  public synchronized void close() {
    for (Registered r : bound) {
      r.meters.forEach(r.registry::remove);
    }
    bound.clear();
  }

  @Override
  public String toString() {
    return "DiscoveryMetrics{" + tags + "}";
  }

  private record Registered(MeterRegistry registry, List<Meter> meters) {}
}
