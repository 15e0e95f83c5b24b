package io.lbkit.bench;

import io.lbkit.Server;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hardware floors every strategy is compared with, written as bare as possible: what a pick
 * costs with no library around it. Run in the same JMH invocation as the strategies so that the
 * ratios come from one machine state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FloorBenchmark {
  @Param({"10", "100", "1000"})
  int N;

  private Server[] servers;
  private final AtomicInteger sequence = new AtomicInteger();
  private AtomicIntegerArray inFlight;

  @Setup
  public void setUp() {
    servers = BenchPools.servers(N).toArray(new Server[0]);
    inFlight = new AtomicIntegerArray(N);
    for (int i = 0; i < N; i++) {
      inFlight.set(i, i % 5);
    }
  }

  /** One shared AtomicInteger over an array: what every peer's round robin reduces to. */
  @Benchmark
  public Server roundRobinFloor() {
    Server[] s = servers;
    return s[(sequence.getAndIncrement() & Integer.MAX_VALUE) % s.length];
  }

  @Benchmark
  public Server randomFloor() {
    Server[] s = servers;
    return s[ThreadLocalRandom.current().nextInt(s.length)];
  }

  /** Two distinct random indexes, the one with fewer in flight. */
  @Benchmark
  public Server p2cFloor() {
    Server[] s = servers;
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int a = r.nextInt(s.length);
    int b = r.nextInt(s.length - 1);
    if (b >= a) {
      b++;
    }
    return inFlight.get(a) <= inFlight.get(b) ? s[a] : s[b];
  }
}
