package io.lbkit.bench;

import io.lbkit.LoadTracker;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.spi.ProbeResult;
import io.lbkit.strategy.PrequalConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Prequal's {@code choose()} from a full probe pool (16 probes), beside power of two choices over
 * the same pool of {@code N}, through the public {@link Selector}; compare with {@link
 * FloorBenchmark#p2cFloor}. Target: 0 B/op ({@code -prof gc}), within 2x of the P2C floor.
 *
 * <p>The pool is filled once in the setup by a prober that answers at once, on a manual
 * scheduler that never runs again, with a reuse budget no run exhausts: what is measured is the
 * pick from the pool (the hot-cold rule over the four fastest answers and the published rest,
 * the use claimed), not the peak EWMA fallback and not the probing, which runs off the pick
 * path. Nothing in {@link #prequal} picks beyond the four fastest, so every pick takes the pool's
 * shortcut; {@link #prequalRetry} (its own fork) measures a retry's pick, excluding one server,
 * which reads the entries and asks the request about each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PrequalBenchmark {
  @Param({"10", "100", "1000"})
  int N;

  private Selector prequal;
  private Selector p2c;
  private Request retry;

  @Setup
  public void setUp() {
    List<Server> servers = BenchPools.servers(N);
    ManualScheduler scheduler = new ManualScheduler(new ManualTicker());
    PrequalConfig config = PrequalConfig.builder(server -> {
          int i = Math.floorMod(server.id().hashCode(), 97);
          return CompletableFuture.completedFuture(
              new ProbeResult(i % 7, 1_000_000L + 10_000L * i));
        })
        .scheduler(scheduler)
        .maxUses(Integer.MAX_VALUE)
        .maxAge(Duration.ofDays(1))
        .probesPerPick(16)
        .build();
    prequal = Strategies.prequal(config).newSelector(ServerPool.of(servers),
        LoadTracker.create(scheduler.ticker()));
    for (int round = 0; round < 4; round++) { // each round probes 16 servers
      prequal.choose();
      scheduler.advance(config.probeInterval());
    }
    p2c = Strategies.powerOfTwoChoices().newSelector(ServerPool.of(servers));
    retry = Request.NONE.excluding(servers.get(0));
  }

  @TearDown
  public void tearDown() {
    prequal.close();
    p2c.close();
  }

  @Benchmark
  public Server prequal() {
    return prequal.choose();
  }

  /** A retry's pick: a request with an exclusion takes the pool's slower path. */
  @Benchmark
  public Server prequalRetry() {
    return prequal.choose(retry);
  }

  @Benchmark
  public Server powerOfTwoChoices() {
    return p2c.choose();
  }
}
