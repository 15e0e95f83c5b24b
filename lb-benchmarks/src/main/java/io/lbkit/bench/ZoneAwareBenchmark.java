package io.lbkit.bench;

import io.lbkit.LoadTracker;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.strategy.Strategies;
import io.lbkit.strategy.ZoneAwareConfig;
import io.lbkit.strategy.ZoneSpillover;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code choose()} of zone preference over P2C, 100 servers in two zones (70 local), beside plain
 * P2C: what the zone share draw and the overflow check cost per pick. {@code local}: every local
 * server up (share 1: the overflow check's draw and read, then the local P2C); {@code spill}:
 * spillover on, on a manual scheduler that never fires (share 0.99, the probe share: a draw more
 * on every pick). Run with {@code -prof gc}: every mode must show 0 B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ZoneAwareBenchmark {
  @Param({"p2c", "local", "spill"})
  String mode;

  private Selector selector;

  @Setup
  public void setUp() {
    List<Server> servers = new ArrayList<>();
    List<Server> plain = BenchPools.servers(100);
    for (int i = 0; i < plain.size(); i++) {
      servers.add(plain.get(i).toBuilder().zone(i < 70 ? "eu-1" : "eu-2").build());
    }
    ZoneAwareConfig.Builder config = ZoneAwareConfig.builder("eu-1");
    if (mode.equals("spill")) {
      config.spillover(ZoneSpillover.of(new ManualScheduler(new ManualTicker())));
    }
    Strategy s = mode.equals("p2c") ? Strategies.powerOfTwoChoices()
        : Strategies.zoneAware(config.build(), Strategies.powerOfTwoChoices());
    selector = s.newSelector(ServerPool.of(servers), LoadTracker.create());
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
