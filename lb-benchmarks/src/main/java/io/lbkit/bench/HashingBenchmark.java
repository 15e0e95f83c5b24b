package io.lbkit.bench;

import io.lbkit.LoadTracker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.strategy.ConsistentHashConfig;
import io.lbkit.strategy.Strategies;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hash family: the cost of one {@code choose(Request)} with a key, over N servers, and the
 * cost of building a ring (160 points per unit of weight) and a Maglev table (65537 slots) for
 * 1000 servers on the write path.
 *
 * <p>Keys are precomputed ({@link Request#withKey} hashes once), walked with a per-thread index
 * so every thread sees the same key sequence; no load is in flight, so the bounded ring takes its
 * idle-server fast path. Run with {@code -prof gc} for bytes/op; with {@code -t 2} for two
 * threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HashingBenchmark {
  private static final int KEYS = 4096; // a power of two: the index wraps with a mask

  static List<Server> servers(int n) {
    List<Server> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Server.of("10." + (i / 65_536) + "." + (i / 256 % 256) + "." + (i % 256), 8080));
    }
    return out;
  }

  static Strategy strategy(String name) {
    switch (name) {
      case "hash":
        return Strategies.hash();
      case "consistentHash":
        return Strategies.consistentHash();
      case "consistentHashBounded":
        return Strategies.consistentHash(
            ConsistentHashConfig.builder().boundedLoad(1.25).build());
      case "maglev":
        return Strategies.maglev();
      case "rendezvous":
        return Strategies.rendezvous();
      default:
        throw new IllegalArgumentException("strategy: " + name);
    }
  }

  /** One selector over N servers, shared by all threads, as in production. */
  @State(Scope.Benchmark)
  public static class Pick {
    @Param({"10", "100", "1000"})
    int N;

    @Param({"hash", "consistentHash", "consistentHashBounded", "maglev", "rendezvous"})
    String strategy;

    Selector selector;
    Request[] requests;

    @Setup(Level.Trial)
    public void setUp() {
      selector = Selector.builder(ServerPool.of(servers(N)))
          .strategy(strategy(strategy))
          .random(RandomSource.seeded(1))
          .build();
      requests = new Request[KEYS];
      for (int i = 0; i < KEYS; i++) {
        requests[i] = Request.withKey("user-" + i);
      }
    }
  }

  /** Each thread's position in the key sequence. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public Server choose(Pick p, Cursor c) {
    int i = c.next;
    c.next = i + 1;
    return p.selector.choose(p.requests[i & (KEYS - 1)]);
  }

  /** 1000 candidates, and the same minus one (a health change), for the rebuild benchmarks. */
  @State(Scope.Benchmark)
  public static class Rebuild {
    final Strategy ring = Strategies.consistentHash();
    final Strategy maglev = Strategies.maglev();
    Candidates all;
    Candidates oneEjected;
    Picker ringOverAll;

    @Setup(Level.Trial)
    public void setUp() {
      ServerPool pool = ServerPool.of(servers(1000));
      all = LoadTracker.create().candidates(pool.snapshot(), RandomSource.seeded(1));
      oneEjected = all.filter(i -> i != 500);
      ringOverAll = ring.newPicker(all, null);
    }
  }

  /** A full ring build: 160,000 points hashed and sorted. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Picker rebuildRing1000(Rebuild r) {
    return r.ring.newPicker(r.all, null);
  }

  /** A health-only rebuild: the sorted points are reused and narrowed by one linear copy. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Picker rebuildRing1000HealthOnly(Rebuild r) {
    return r.ring.newPicker(r.oneEjected, r.ringOverAll);
  }

  /** A full Maglev table population: 65,537 slots over 1000 servers. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Picker rebuildMaglev1000(Rebuild r) {
    return r.maglev.newPicker(r.all, null);
  }
}
