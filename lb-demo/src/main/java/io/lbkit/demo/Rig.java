package io.lbkit.demo;

import io.lbkit.ServerPool;
import io.lbkit.discovery.DiscoveryListener;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.ActiveChecks;
import io.lbkit.health.ConsecutiveFailures;
import io.lbkit.health.EjectionLimits;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.SlowStart;
import io.lbkit.health.HttpHealthCheck;
import io.lbkit.micrometer.LbkitMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's (and the end-to-end tests') plumbing: an {@link InventoryCluster}, one {@code
 * java.net.http} client on threads the rig owns, a {@link ServerPool} of the cluster (fixed, or
 * filled from an {@link InventoryRegistry} the servers register in), a {@link LoadBalancer} over
 * it and the {@link LoadBalancedHttpClient} that uses both. {@link #close()} ends all of it.
 */
final class Rig implements AutoCloseable {
  /** Loopback connects take microseconds; a refused or black-holed one should not hold a caller. */
  static final Duration CONNECT_TIMEOUT = Duration.ofMillis(250);

  /** Builds the balancer once the pool and the client exist. */
  @FunctionalInterface
  interface BalancerFactory {
    LoadBalancer build(ServerPool pool, HttpClient http);
  }

  private static final AtomicInteger IDS = new AtomicInteger();

  final InventoryCluster cluster;
  final long latencyMicros;
  final InventoryRegistry registry; // null: a fixed pool
  final ServerPool pool;
  final HttpClient http;
  final LoadBalancer lb;
  final LoadBalancedHttpClient client;
  /** The balancer's meters: where the demo's table and summary read their figures. */
  final MeterRegistry meters = new SimpleMeterRegistry();
  private final LbkitMetrics metrics;
  private final ExecutorService httpThreads;

  private Rig(InventoryCluster cluster, long latencyMicros, InventoryRegistry registry,
      ExecutorService httpThreads, HttpClient http, ServerPool pool, LoadBalancer lb,
      Duration requestTimeout) {
    this.cluster = cluster;
    this.latencyMicros = latencyMicros;
    this.registry = registry;
    this.httpThreads = httpThreads;
    this.http = http;
    this.pool = pool;
    this.lb = lb;
    this.client = new LoadBalancedHttpClient(http, lb, requestTimeout);
    this.metrics = LbkitMetrics.of(lb, DemoMeters.SERVICE);
    metrics.bindTo(meters);
  }

  /**
   * A rig whose pool is the cluster's servers, fixed.
   *
   * @param servers inventory servers to start
   * @param latencyMicros the fastest server's base latency; the others are up to 2x slower
   * @param requestTimeout each HTTP request's timeout (response headers)
   */
  static Rig start(int servers, long latencyMicros, long seed, Duration requestTimeout,
      BalancerFactory balancer) throws Exception {
    return start(servers, latencyMicros, seed, requestTimeout, null, balancer);
  }

  /**
   * A rig whose servers register in an embedded ZooKeeper, from which the pool is discovered
   * (when {@code registryListener} is not null), or a fixed pool (when it is).
   */
  static Rig start(int servers, long latencyMicros, long seed, Duration requestTimeout,
      DiscoveryListener registryListener, BalancerFactory balancer) throws Exception {
    InventoryCluster cluster = InventoryCluster.start(servers, latencyMicros, seed);
    InventoryRegistry registry = null;
    ServerPool pool;
    try {
      if (registryListener == null) {
        pool = ServerPool.of(cluster.lbServers());
      } else {
        registry = InventoryRegistry.start();
        for (InventoryServer s : cluster.servers()) {
          registry.register(s);
        }
        pool = ServerPool.of();
        registry.discover(pool, registryListener);
      }
    } catch (Exception e) {
      if (registry != null) {
        registry.close();
      }
      cluster.close();
      throw e;
    }
    int id = IDS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "demo-http-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      HttpClient http = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempts: plain HTTP/1.1 servers
          .connectTimeout(CONNECT_TIMEOUT)
          .executor(threads)
          .build();
      return new Rig(cluster, latencyMicros, registry, threads, http, pool,
          balancer.build(pool, http), requestTimeout);
    } catch (RuntimeException e) {
      threads.shutdownNow();
      if (registry != null) {
        registry.close();
      }
      cluster.close();
      throw e;
    }
  }

  /**
   * The demo's health settings, scaled to a run of tens of seconds: ejection after 5 failures in
   * a row (Envoy's default) or by success rate every 2 s; 5 s base ejection; up to 40% of the pool
   * ejected (2 of 5, so a dead server and a failing one can both be out); active {@code GET
   * /health} checks every 500 ms, out after 2 failures, back after 2 passes; 5 s slow start; a
   * 3 s EWMA time constant so that a recovered server's latency is believed within the run. No
   * circuit breakers: outlier detection is the story here, and a breaker's 60 s open state would
   * outlast the demo's recovery phase.
   */
  static HealthConfig.Builder demoHealth(HttpClient http) {
    return HealthConfig.builder()
        .consecutiveFailures(ConsecutiveFailures.of(5))
        .interval(Duration.ofSeconds(2))
        .ejection(EjectionLimits.builder()
            .baseTime(Duration.ofSeconds(5))
            .maxTime(Duration.ofSeconds(30))
            .maxPercent(40)
            .build())
        .noCircuitBreaker()
        .activeChecks(ActiveChecks.builder(HttpHealthCheck.get(http, "http", "/health",
                Duration.ofMillis(400), status -> status == 200))
            .interval(Duration.ofMillis(500))
            .timeout(Duration.ofMillis(400))
            .jitter(Duration.ofMillis(50))
            .rise(2)
            .fall(2)
            .build())
        .slowStart(SlowStart.over(Duration.ofSeconds(5)))
        .ewmaDecay(Duration.ofSeconds(3));
  }

  @Override
  public void close() {
    if (registry != null) {
      registry.close(); // discovery first: no pool change races the balancer's close
    }
    metrics.close();
    lb.close();
    httpThreads.shutdownNow();
    try {
      httpThreads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cluster.close();
  }
}
