package io.lbkit.bench;

import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.discovery.Discovery;
import io.lbkit.discovery.ServerSource;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
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
 * What one list from a source costs the binder ({@code Discovery}) over a pool of N servers:
 * a list that changes nothing (the common case: every poll of a stable registry), and one that
 * changes one server. The list objects are precomputed; each call is what a source's push is.
 *
 * <ul>
 *   <li>{@code unchangedSameOrder}: an equal list, a new object in the same order (a stable
 *       registry polled again): one ordered comparison, dropped; no pool update.
 *   <li>{@code unchangedReordered}: an equal list in another order (DNS rotating its answers):
 *       validated into a map by id, compared as a set, dropped; no pool update.
 *   <li>{@code oneChanged}: lists A and B alternate, B having one server of A replaced. With the
 *       30 s removal delay, every call drains one server and restores another; with {@code 0 s},
 *       it removes one and adds one. The pool publishes a snapshot, and with {@code
 *       selector=roundRobin} a selector rebuilds its picker, as a live pool's would.
 * </ul>
 *
 * The removal timers go to a scheduler that never fires, so only the list handling is measured.
 * Logging is off (an INFO line per change would be measured otherwise).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.log.io.lbkit.discovery=warn")
public class DiscoveryBenchmark {
  @Param({"1000"})
  int N;

  @Param({"PT30S", "PT0S"})
  String removalDelay;

  @Param({"none", "roundRobin"})
  String selector;

  private ServerSource.Listener listener;
  private Discovery discovery;
  private List<Server> sameOrder;
  private List<Server> reordered;
  private List<Server> listA;
  private List<Server> listB;
  private boolean flip;

  /** Timers that never fire: the benchmark measures the list handling, not removals. */
  private static final Scheduler NEVER = new Scheduler() {
    private final Future<?> never = new CompletableFuture<>();

    @Override
    public Future<?> schedule(Runnable task, long delayNanos) {
      return never;
    }

    @Override
    public void sleep(long nanos) {}
  };

  @Setup(Level.Trial)
  public void setUp() {
    List<Server> servers = BenchPools.servers(N);
    ServerPool pool = ServerPool.empty();
    if (selector.equals("roundRobin")) {
      Strategies.roundRobin().newSelector(pool);
    }
    ServerSource source = new ServerSource() {
      @Override
      public void start(Listener l, Context context) {
        listener = l;
      }

      @Override
      public void close() {}
    };
    discovery = Discovery.builder(source, pool).scheduler(NEVER).executor(Runnable::run)
        .removalDelay(Duration.parse(removalDelay)).start();
    listA = List.copyOf(servers);
    listener.onServers(listA);

    sameOrder = new ArrayList<>(servers);
    reordered = new ArrayList<>(servers);
    Collections.reverse(reordered);
    List<Server> b = new ArrayList<>(servers);
    b.set(N / 2, Server.of("10.255.0.1", 8080));
    listB = List.copyOf(b);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    discovery.close();
  }

  @Benchmark
  public void unchangedSameOrder() {
    listener.onServers(sameOrder);
  }

  @Benchmark
  public void unchangedReordered() {
    listener.onServers(reordered);
  }

  @Benchmark
  public void oneChanged() {
    flip = !flip;
    listener.onServers(flip ? listB : listA);
  }
}
