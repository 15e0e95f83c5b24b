package io.lbkit.bench;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lbkit.HealthTracker;
import io.lbkit.LoadTracker;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The parts of {@link CallPathBenchmark}'s call path measured one by one, so that its figures can
 * be read against what this machine charges for each: a clock read ({@code nanoTime}), an
 * id lookup, a resilience4j breaker's permission and success (with its default synchronized
 * count window, and with the lock-free one, which allocates), a {@link LoadTracker}'s start and
 * success (two clock reads, the in-flight count, the totals and peak EWMA under the writer lock),
 * an uncontended monitor against one atomic add, one {@code Math.exp}, and a round-robin choose.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CallPathBreakdownBenchmark {
  private Server[] servers;
  private CircuitBreaker[] breakers;
  private CircuitBreaker[] lockFree;
  private final ConcurrentHashMap<String, CircuitBreaker> byId = new ConcurrentHashMap<>();
  private LoadTracker tracker;
  private LoadBalancer lb;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    List<Server> list = new ArrayList<>();
    servers = new Server[16];
    breakers = new CircuitBreaker[16];
    lockFree = new CircuitBreaker[16];
    for (int i = 0; i < 16; i++) {
      servers[i] = Server.of("10.0.0." + (i + 1), 8080);
      list.add(servers[i]);
      breakers[i] = CircuitBreaker.of(servers[i].id(), CircuitBreakerConfig.ofDefaults());
      lockFree[i] = CircuitBreaker.of(servers[i].id(), CircuitBreakerConfig.custom()
          .slidingWindowSynchronizationStrategy(
              CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE).build());
      byId.put(servers[i].id(), breakers[i]);
    }
    tracker = LoadTracker.create();
    lb = LoadBalancer.builder(ServerPool.of(list)).strategy(Strategies.roundRobin())
        .tracker(LoadTracker.create()).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lb.close();
  }

  private int index() {
    int i = next;
    next = (i + 1) & 15;
    return i;
  }

  @Benchmark
  public long nanoTime() {
    return System.nanoTime();
  }

  @Benchmark
  public Object idLookup() {
    return byId.get(servers[index()].id());
  }

  @Benchmark
  public boolean breakerPermitSuccess() {
    return permitAndSucceed(breakers[index()]);
  }

  @Benchmark
  public boolean breakerLockFreePermitSuccess() {
    return permitAndSucceed(lockFree[index()]);
  }

  private static boolean permitAndSucceed(CircuitBreaker b) {
    boolean ok = b.tryAcquirePermission();
    b.onSuccess(100, TimeUnit.NANOSECONDS);
    return ok;
  }

  @Benchmark
  public boolean breakerPermit() {
    return breakers[index()].tryAcquirePermission();
  }

  @Benchmark
  public void loadStartSuccess() {
    Server s = servers[index()];
    long t = tracker.onStart(s);
    tracker.onSuccess(s, t, HealthTracker.Permit.GRANTED);
  }

  private long counter;
  private double x = 1e-6;
  private final AtomicInteger atomic = new AtomicInteger();

  @Benchmark
  public void monitor() {
    synchronized (this) {
      counter++;
    }
  }

  @Benchmark
  public int atomicAdd() {
    return atomic.getAndAdd(1);
  }

  @Benchmark
  public double exp() {
    double v = Math.exp(-x);
    x += 1e-9;
    return v;
  }

  @Benchmark
  public Server choose() {
    return lb.choose(Request.NONE);
  }
}
