package io.lbkit.bench;

import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
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
 * {@code choose()} of the foundation strategies over a pool of {@code N}, through the public
 * {@link Selector}: the cost a user pays per call. Compare with {@link FloorBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StrategyBenchmark {
  @Param({"roundRobin", "random"})
  String strategy;

  @Param({"10", "100", "1000"})
  int N;

  private Selector selector;

  @Setup
  public void setUp() {
    Strategy s = switch (strategy) {
      case "roundRobin" -> Strategies.roundRobin();
      case "random" -> Strategies.random();
      default -> throw new IllegalArgumentException("strategy: " + strategy);
    };
    selector = s.newSelector(ServerPool.of(BenchPools.servers(N)));
  }

  @TearDown
  public void tearDown() {
    selector.close();
  }

  @Benchmark
  public Server choose() {
    return selector.choose();
  }
}
