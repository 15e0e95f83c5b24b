package io.lbkit.bench;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Call;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.HealthConfig;
import io.lbkit.micrometer.LbkitMetrics;
import io.lbkit.strategy.Strategies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * What binding lb-micrometer costs a call: {@code choose()} and {@code execute} (retry(3) over
 * the default health monitor, 16 servers, peak EWMA) with no meters, with {@link LbkitMetrics}
 * bound to a registry, and with its opt-in attempt timer too. Gauges and function counters are
 * read at scrape time, so {@code none} and {@code bound} should not differ; {@code timer} records
 * one timer sample per attempt.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MetricsBenchmark {
  private static final Call<Server, RuntimeException> NO_OP = server -> server;

  /** {@code none}, {@code bound} (LbkitMetrics on a registry), {@code timer} (and its timer). */
  @Param({"none", "bound", "timer"})
  String metrics;

  private LoadBalancer lb;
  private LbkitMetrics binder;

  @Setup(Level.Trial)
  public void setUp() {
    List<Server> list = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      list.add(Server.of("10.0.0." + (i + 1), 8080));
    }
    lb = LoadBalancer.builder(ServerPool.of(list)).strategy(Strategies.peakEwma())
        .health(HealthConfig.defaults()).failover(Failover.retry(3))
        .budget(RetryBudget.tokenBucket(100, 0.1)).build();
    if (!"none".equals(metrics)) {
      LbkitMetrics.Builder b = LbkitMetrics.builder(lb, "inventory");
      if ("timer".equals(metrics)) {
        b.attemptTimer();
      }
      binder = b.build();
      binder.bindTo(new SimpleMeterRegistry());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (binder != null) {
      binder.close();
    }
    lb.close();
  }

  @Benchmark
  public Server choose() {
    return lb.choose();
  }

  @Benchmark
  public Server execute() {
    return lb.execute(NO_OP);
  }
}
