package io.lbkit.bench.peers;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.State;

/**
 * The whole client-side cost of one call around a remote call that costs nothing. {@code lbkit}:
 * {@code LoadBalancer.execute} with round robin, default health tracking and {@code retry(3)};
 * {@code dubbo}: its failover cluster invoker (round robin, retries 2) over providers whose {@code
 * invoke} returns at once. {@code lbkit-selector} is the layer below the facade, choose + onStart
 * + onSuccess on a load-only tracker, to show what health and failover add. (lbkit's own
 * breakdown of the facade's cost is {@code io.lbkit.bench.CallPathBenchmark}.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PeerCallPathBenchmark {

  @State(Scope.Benchmark)
  public static class Balancer {
    @Param({"lbkit", "lbkit-selector", "dubbo"})
    String impl;

    @Param({"10", "100", "1000"})
    int N;

    CallPath path;
    private AutoCloseable owned;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(N);
      switch (impl) {
        case "lbkit": {
          Chooser shared = LbkitPeer.facade(fleet);
          owned = (AutoCloseable) shared;
          path = () -> shared;
          break;
        }
        case "lbkit-selector": {
          Chooser shared = LbkitPeer.selectorCallPath(fleet, "roundRobin");
          path = () -> shared;
          break;
        }
        case "dubbo":
          path = DubboPeer.clusterInvoker(fleet);
          break;
        default:
          throw PeerBenchmark.unknown(impl);
      }
    }

    @TearDown
    public void tearDown() throws Exception {
      if (owned != null) {
        owned.close();
      }
    }
  }

  /** This thread's view of the balancer (its own Dubbo invocation) and its call counter. */
  @State(Scope.Thread)
  public static class Caller {
    Chooser chooser;
    int next;

    @Setup
    public void setup(Balancer balancer) {
      chooser = balancer.path.forThread();
    }
  }

  @Benchmark
  public Object call(Caller caller) {
    return caller.chooser.choose(caller.next++);
  }
}
