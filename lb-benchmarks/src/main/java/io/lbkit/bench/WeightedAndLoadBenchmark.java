package io.lbkit.bench;

import io.lbkit.HealthTracker;
import io.lbkit.LoadTracker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerMetrics;
import io.lbkit.strategy.Strategies;
import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code choose()} of the weighted and load-aware strategies through the public {@link Selector},
 * at 1 and 2 threads sharing one selector, over N servers with weights 1..5; plus the write-path
 * cost of rebuilding the smooth WRR cycle and the alias table for 1000 servers. Compare with
 * {@link FloorBenchmark} in the same run; use {@code -prof gc} for bytes per pick.
 *
 * <p>The load-aware strategies see a few calls in flight (server i has i mod 4 when i mod 3 is
 * 0) and, for peak EWMA, a latency on every server (1..7 ms), so that their comparisons do real
 * work rather than breaking ties.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WeightedAndLoadBenchmark {

  /** One selector per (strategy, N), shared by the benchmark's threads. */
  @State(Scope.Benchmark)
  public static class Pick {
    @Param({"weightedRoundRobin", "weightedRandom", "leastConnections",
        "weightedLeastConnections", "powerOfTwoChoices", "peakEwma"})
    String strategy;

    @Param({"10", "100", "1000"})
    int N;

    Selector selector;

    @Setup
    public void setUp() {
      List<Server> servers = BenchPools.weightedServers(N);
      LoadTracker tracker = LoadTracker.create();
      for (int i = 0; i < N; i++) {
        Server s = servers.get(i);
        if (i % 3 == 0) {
          for (int k = 0; k < i % 4; k++) {
            tracker.onStart(s);
          }
        }
        // warm (ten samples): the steady state, past peak EWMA's cold-start rule
        for (int k = 0; k < ServerMetrics.WARM_UP_SAMPLES; k++) {
          tracker.metrics(s).observeLatency((1 + i % 7) * 1_000_000L, tracker.ticker().read());
        }
      }
      selector = Selector.builder(ServerPool.of(servers)).strategy(strategy(strategy))
          .tracker(tracker).build();
    }

    @TearDown
    public void tearDown() {
      selector.close();
    }
  }

  /** The candidates of 1000 weighted servers, to rebuild pickers from. */
  @State(Scope.Thread)
  public static class Rebuild {
    static final int SERVERS = 1000;

    Candidates candidates;
    Strategy weightedRoundRobin = Strategies.weightedRoundRobin();
    Strategy weightedRandom = Strategies.weightedRandom();

    @Setup
    public void setUp() {
      ServerPool pool = ServerPool.of(BenchPools.weightedServers(SERVERS));
      HealthTracker tracker = LoadTracker.create();
      candidates = tracker.candidates(pool.snapshot(), RandomSource.threadLocal());
    }
  }

  static Strategy strategy(String name) {
    return switch (name) {
      case "weightedRoundRobin" -> Strategies.weightedRoundRobin();
      case "weightedRandom" -> Strategies.weightedRandom();
      case "leastConnections" -> Strategies.leastConnections();
      case "weightedLeastConnections" -> Strategies.weightedLeastConnections();
      case "powerOfTwoChoices" -> Strategies.powerOfTwoChoices();
      case "peakEwma" -> Strategies.peakEwma();
      default -> throw new IllegalArgumentException("strategy: " + name);
    };
  }

  @Benchmark
  @Threads(1)
  public Server choose(Pick p) {
    return p.selector.choose();
  }

  @Benchmark
  @Threads(2)
  public Server chooseTwoThreads(Pick p) {
    return p.selector.choose();
  }

  /** Builds the smooth WRR cycle over 1000 servers with weights 1..5 (length 3000). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Picker rebuildWeightedRoundRobin(Rebuild r) {
    return r.weightedRoundRobin.newPicker(r.candidates, null);
  }

  /** Builds the alias table over 1000 servers with weights 1..5. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Picker rebuildWeightedRandom(Rebuild r) {
    return r.weightedRandom.newPicker(r.candidates, null);
  }
}
