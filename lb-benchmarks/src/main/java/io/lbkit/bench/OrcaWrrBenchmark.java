package io.lbkit.bench;

import io.lbkit.LoadReport;
import io.lbkit.LoadTracker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.Ticker;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.strategy.Strategies;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * ORCA weighted round robin: {@code choose()} beside smooth weighted round robin over the same
 * servers (target: 0 B/op, within 1.5x), and the write path that computes its weights from every
 * server's load report at N = 1000 (target: under 1 ms), with and without compiling the
 * candidates. Every server has reported (utilization 0.2-0.9, qps 50-500, a few errors) and is
 * past its blackout, so the weights are all distinct: the costliest case for the cycle. Use
 * {@code -prof gc} for bytes per pick.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OrcaWrrBenchmark {
  static final long SECOND = 1_000_000_000L;

  /** A tracker whose servers have all reported, on a clock past the blackout. */
  static LoadTracker reported(List<Server> servers, long seed) {
    AtomicLong now = new AtomicLong();
    Ticker ticker = now::get;
    LoadTracker tracker = LoadTracker.create(ticker);
    SplittableRandom r = new SplittableRandom(seed);
    for (Server s : servers) {
      tracker.metrics(s); // as a call's start makes them: reports are kept for known servers
      double qps = 50 + r.nextDouble() * 450;
      tracker.onLoadReport(s, LoadReport.of(0.2 + r.nextDouble() * 0.7, qps, qps * 0.01));
    }
    now.set(20 * SECOND);
    for (Server s : servers) { // a fresh report, 20 s into the run of reports
      double qps = 50 + r.nextDouble() * 450;
      tracker.onLoadReport(s, LoadReport.of(0.2 + r.nextDouble() * 0.7, qps, qps * 0.01));
    }
    return tracker;
  }

  /** One selector per (strategy, N). */
  @State(Scope.Benchmark)
  public static class Pick {
    @Param({"weightedRoundRobin", "orcaWeightedRoundRobin"})
    String strategy;

    @Param({"10", "100", "1000"})
    int N;

    Selector selector;

    @Setup
    public void setUp() {
      List<Server> servers = BenchPools.weightedServers(N);
      LoadTracker tracker = reported(servers, 42);
      Strategy s = strategy.equals("weightedRoundRobin") ? Strategies.weightedRoundRobin()
          : Strategies.orcaWeightedRoundRobin();
      selector = Selector.builder(ServerPool.of(servers)).strategy(s).tracker(tracker).build();
    }

    @TearDown
    public void tearDown() {
      selector.close();
    }
  }

  /** 1000 reported servers, the strategy and its current picker, to compute weights again. */
  @State(Scope.Thread)
  public static class Recompute {
    static final int SERVERS = 1000;

    ServerPool pool;
    LoadTracker tracker;
    Candidates candidates;
    Strategy strategy = Strategies.orcaWeightedRoundRobin();
    Picker previous;

    @Setup
    public void setUp() {
      pool = ServerPool.of(BenchPools.weightedServers(SERVERS));
      tracker = reported(pool.servers(), 7);
      candidates = tracker.candidates(pool.snapshot(), RandomSource.threadLocal());
      previous = strategy.newPicker(candidates, null);
    }
  }

  @Benchmark
  @Threads(1)
  public Server choose(Pick p) {
    return p.selector.choose();
  }

  /** The strategy's part of a weight update: weights, clamping, the cycle. */
  @Benchmark
  public Picker recomputeWeights1000(Recompute r) {
    return r.strategy.newPicker(r.candidates, r.previous);
  }

  /** A whole weight update as a selector makes it: candidates compiled, then the picker. */
  @Benchmark
  public Picker rebuildWithCandidates1000(Recompute r) {
    Candidates c = r.tracker.candidates(r.pool.snapshot(), RandomSource.threadLocal());
    return r.strategy.newPicker(c, r.previous);
  }
}
