package io.lbkit.bench;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lbkit.Attempt;
import io.lbkit.LoadTracker;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Ticker;
import io.lbkit.failover.Call;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost lbkit adds around one call, beyond the user's own lambda (issue 11's targets for
 * {@code execute} with a breaker per server: <= 120 ns/op on one thread, two threads within 1.3x
 * of one, 0 B/op with {@code -prof gc}):
 *
 * <ul>
 *   <li>{@code execute}: {@code LoadBalancer.execute} with a no-op call: choose, breaker
 *       permission, onStart, the call, classification, onSuccess, budget accounting;
 *   <li>{@code beginSuccess}: the same steps through the {@link io.lbkit.Attempt} handle,
 *       {@code lb.begin()} then {@code success()}, the call made by the caller.
 * </ul>
 *
 * {@code tracking=breaker} runs over a tracker that keeps one resilience4j {@link CircuitBreaker}
 * per server (count window of 100, the resilience4j defaults), so the breaker's bookkeeping is in
 * the figure (timed by the one clock read its metrics take too); {@code tracking=load} over a
 * plain {@link LoadTracker}, to separate the two costs;
 * {@code tracking=health} over the {@code HealthMonitor} the balancer builds from {@code
 * HealthConfig.defaults()} (breakers, outlier detection, throughput, slow start, panic).
 * {@code failover} compares fail-fast with retry(3), whose first attempt succeeds. {@code
 * -p budget=defaults} runs the default retry budget instead of the token bucket, for what its
 * per-call deposit costs (at {@code -t 2} above all).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CallPathBenchmark {
  private static final Call<Server, RuntimeException> NO_OP = server -> server;

  @Param({"16"})
  int servers;

  @Param({"failFast", "retry3"})
  String failover;

  /**
   * {@code breaker}: a resilience4j breaker per server; {@code load}: a plain LoadTracker; {@code
   * health}: lb-health's monitor with the default config.
   */
  @Param({"breaker", "load", "health"})
  String tracking;

  /**
   * {@code tokenBucket}: gRPC's bucket (100 tokens, 0.1 per success), which a call only reads while
   * full; {@code defaults}: the balancer's default percentage budget, to which every call makes a
   * deposit (one compare-and-set on the current slot, shared by every thread).
   */
  @Param({"tokenBucket"})
  String budget;

  private LoadBalancer lb;
  private final AtomicInteger floorSequence = new AtomicInteger();
  private AtomicIntegerArray floorInFlight; // one counter per 64-byte line

  @Setup(Level.Trial)
  public void setUp() {
    List<Server> list = new ArrayList<>(servers);
    for (int i = 0; i < servers; i++) {
      list.add(Server.of("10.0." + (i / 250) + "." + (i % 250 + 1), 8080));
    }
    ServerPool pool = ServerPool.of(list);
    floorInFlight = new AtomicIntegerArray(servers * 16);
    LoadBalancer.Builder b = LoadBalancer.builder(pool).strategy(Strategies.roundRobin());
    if ("health".equals(tracking)) {
      b.health(HealthConfig.defaults());
    } else {
      b.tracker("breaker".equals(tracking) ? new BreakerTracker() : LoadTracker.create());
    }
    lb = b
        .failover("retry3".equals(failover) ? Failover.retry(3) : Failover.failFast())
        .budget("defaults".equals(budget) ? RetryBudget.defaults(Ticker.system())
            : RetryBudget.tokenBucket(100, 0.1))
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lb.close();
  }

  @Benchmark
  public Server execute() throws Exception {
    return lb.execute(NO_OP);
  }

  /**
   * The floor of any balancer that tracks load and latency per call: a round-robin pick, an
   * in-flight count up and down on the chosen server, and the two clock reads that time the call.
   * Nothing else: no health, no budget, no classification.
   */
  @Benchmark
  public long floor() {
    int i = ((floorSequence.getAndIncrement() & Integer.MAX_VALUE) % servers) * 16; // own line
    floorInFlight.incrementAndGet(i);
    long start = System.nanoTime();
    long latency = System.nanoTime() - start; // the call would run between the two reads
    floorInFlight.decrementAndGet(i);
    return latency;
  }

  @Benchmark
  public Server beginSuccess() {
    Attempt a = lb.begin();
    a.success();
    return a.server();
  }

  /** A load tracker with one resilience4j circuit breaker per server. */
  static final class BreakerTracker extends LoadTracker {
    private final ConcurrentHashMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final CircuitBreakerConfig config = CircuitBreakerConfig.ofDefaults();

    BreakerTracker() {
      super(Ticker.system(), Duration.ofSeconds(10));
    }

    private CircuitBreaker breaker(Server s) {
      CircuitBreaker b = breakers.get(s.id());
      return b != null ? b
          : breakers.computeIfAbsent(s.id(), id -> CircuitBreaker.of(id, config));
    }

    @Override
    public Permit tryAcquirePermission(Server server) {
      return breaker(server).tryAcquirePermission() ? Permit.GRANTED : Permit.REFUSED;
    }

    // One clock read per outcome, for the metrics and the breaker alike.
    @Override
    public void onSuccess(Server server, long startNanos, Permit permit) {
      long now = ticker().read();
      complete(server, startNanos, true, now);
      breaker(server).onSuccess(now - startNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onFailure(Server server, long startNanos, Permit permit, Throwable error) {
      long now = ticker().read();
      complete(server, startNanos, false, now);
      breaker(server).onError(now - startNanos, TimeUnit.NANOSECONDS, error);
    }
  }
}
