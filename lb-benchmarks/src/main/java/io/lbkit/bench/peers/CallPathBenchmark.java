package io.lbkit.bench.peers;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The whole client-side cost of one call around a remote call that costs nothing: lbkit's choose,
 * onStart, onSuccess against Dubbo's failover cluster invoker (round robin, retries 2) invoking a
 * provider whose {@code invoke} returns at once.
 *
 * <p>lbkit's {@code LoadBalancer} facade will replace the three calls once it lands; until then
 * this measures the same work through {@code Selector} and {@code LoadTracker}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallPathBenchmark {

  @State(Scope.Benchmark)
  public static class Balancer {
    @Param({"lbkit", "dubbo"})
    String impl;

    @Param({"10", "100", "1000"})
    int n;

    CallPath path;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(n);
      switch (impl) {
        case "lbkit": {
          Chooser shared = LbkitPeer.callPath(fleet, "roundRobin");
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
