package io.lbkit.bench;

import io.lbkit.Explanation;
import io.lbkit.Request;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * One {@code explain(request)} of a {@link LoadBalancer} with the default health config over a
 * pool of {@code N}: what a diagnostic call costs (a copy of the picker, the health reasons, one
 * entry per server). Not a per-call cost: {@code choose()} is {@link StrategyBenchmark}'s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExplainBenchmark {
  @Param({"roundRobin", "leastConnections", "peakEwma", "maglev", "consistentHash"})
  String strategy;

  @Param({"1000"})
  int N;

  private LoadBalancer lb;
  private final Request request = Request.withKey("user-42");

  @Setup
  public void setUp() {
    Strategy s = switch (strategy) {
      case "roundRobin" -> Strategies.roundRobin();
      case "leastConnections" -> Strategies.leastConnections();
      case "peakEwma" -> Strategies.peakEwma();
      case "maglev" -> Strategies.maglev();
      case "consistentHash" -> Strategies.consistentHash();
      default -> throw new IllegalArgumentException("strategy: " + strategy);
    };
    lb = LoadBalancer.builder(ServerPool.of(BenchPools.servers(N))).strategy(s)
        .health(HealthConfig.defaults()).build();
  }

  @TearDown
  public void tearDown() {
    lb.close();
  }

  @Benchmark
  public Explanation explain() {
    return lb.explain(request);
  }
}
