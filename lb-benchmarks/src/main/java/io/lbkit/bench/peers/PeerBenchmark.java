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
 * One selection by lbkit and by each peer that implements the same algorithm, over N servers.
 *
 * <p>Each {@code @Benchmark} is one algorithm family; its state's {@code impl} parameter names who
 * implements it ({@code lbkit...} rows are the reference the report divides by). Everything is
 * built in {@code @Setup}: servers, peer objects, and the per-call inputs peers need (Dubbo
 * invocations, routing keys), so that the measured call is the selection alone. Threads come from
 * the command line ({@code -t 1}, {@code -t 2}); all threads share one balancer, as the threads of
 * a client do, and each keeps its own counter to index precomputed inputs.
 *
 * <p>Floors (a bare round robin, a ThreadLocalRandom pick, P2C over an AtomicIntegerArray) are in
 * {@code FloorBenchmark}; the full call path is in {@link CallPathBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PeerBenchmark {

  /** A thread's own position in the precomputed inputs. */
  @State(Scope.Thread)
  public static class Seq {
    int next;
  }

  /** Round robin over equal weights. */
  @State(Scope.Benchmark)
  public static class RoundRobin {
    @Param({"lbkit", "dubbo", "ribbon", "spring", "armeria", "grpc"})
    String impl;

    @Param({"10", "100", "1000"})
    int n;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(n);
      switch (impl) {
        case "lbkit": chooser = LbkitPeer.selector(fleet, "roundRobin"); break;
        case "dubbo": chooser = DubboPeer.loadBalance(fleet, "roundrobin"); break;
        case "ribbon": chooser = RibbonPeer.rule(fleet, "roundRobin"); break;
        case "spring": chooser = SpringPeer.blocking(fleet, "roundRobin"); break;
        case "armeria": chooser = ArmeriaPeer.selector(fleet, "roundRobin"); break;
        case "grpc": chooser = GrpcPeer.roundRobin(fleet); break;
        default: throw unknown(impl);
      }
    }
  }

  /** A uniformly random server. */
  @State(Scope.Benchmark)
  public static class Random {
    @Param({"lbkit", "dubbo", "ribbon", "spring"})
    String impl;

    @Param({"10", "100", "1000"})
    int n;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(n);
      switch (impl) {
        case "lbkit": chooser = LbkitPeer.selector(fleet, "random"); break;
        case "dubbo": chooser = DubboPeer.loadBalance(fleet, "random"); break;
        case "ribbon": chooser = RibbonPeer.rule(fleet, "random"); break;
        case "spring": chooser = SpringPeer.blocking(fleet, "random"); break;
        default: throw unknown(impl);
      }
    }
  }

  /**
   * Round robin in proportion to weights 1..5. Dubbo's round robin is its weighted (smooth) one;
   * Armeria's ramping-up strategy is measured in its steady state (no endpoint is new).
   */
  @State(Scope.Benchmark)
  public static class WeightedRoundRobin {
    @Param({"lbkit", "dubbo", "armeria", "armeria-rampingUp"})
    String impl;

    @Param({"10", "100", "1000"})
    int n;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.weighted(n);
      switch (impl) {
        case "lbkit": chooser = LbkitPeer.selector(fleet, "weightedRoundRobin"); break;
        case "dubbo": chooser = DubboPeer.loadBalance(fleet, "roundrobin"); break;
        case "armeria": chooser = ArmeriaPeer.selector(fleet, "weightedRoundRobin"); break;
        case "armeria-rampingUp": chooser = ArmeriaPeer.selector(fleet, "rampingUp"); break;
        default: throw unknown(impl);
      }
    }
  }

  /** The least loaded server: exact scans (Dubbo, Ribbon) against lbkit's least connections and P2C. */
  @State(Scope.Benchmark)
  public static class LeastLoaded {
    @Param({"lbkit-leastConnections", "lbkit-p2c", "dubbo-leastActive", "ribbon-bestAvailable"})
    String impl;

    @Param({"10", "100", "1000"})
    int n;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(n);
      switch (impl) {
        case "lbkit-leastConnections": chooser = LbkitPeer.selector(fleet, "leastConnections"); break;
        case "lbkit-p2c": chooser = LbkitPeer.selector(fleet, "powerOfTwoChoices"); break;
        case "dubbo-leastActive": chooser = DubboPeer.loadBalance(fleet, "leastactive"); break;
        case "ribbon-bestAvailable": chooser = RibbonPeer.rule(fleet, "bestAvailable"); break;
        default: throw unknown(impl);
      }
    }
  }

  /** The fastest server by observed response time. */
  @State(Scope.Benchmark)
  public static class ResponseTime {
    @Param({"lbkit-peakEwma", "dubbo-shortestResponse", "ribbon-weightedResponseTime"})
    String impl;

    @Param({"10", "100", "1000"})
    int n;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(n);
      switch (impl) {
        case "lbkit-peakEwma": chooser = LbkitPeer.selector(fleet, "peakEwma"); break;
        case "dubbo-shortestResponse":
          chooser = DubboPeer.loadBalance(fleet, "shortestresponse");
          break;
        case "ribbon-weightedResponseTime":
          chooser = RibbonPeer.rule(fleet, "weightedResponseTime");
          break;
        default: throw unknown(impl);
      }
    }
  }

  /** A server by key; each thread cycles through 1024 precomputed keys. */
  @State(Scope.Benchmark)
  public static class ConsistentHash {
    @Param({"lbkit-consistentHash", "lbkit-maglev", "dubbo-consistentHash"})
    String impl;

    @Param({"10", "100", "1000"})
    int n;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(n);
      switch (impl) {
        case "lbkit-consistentHash":
          chooser = LbkitPeer.keyedSelector(fleet, "consistentHash");
          break;
        case "lbkit-maglev": chooser = LbkitPeer.keyedSelector(fleet, "maglev"); break;
        case "dubbo-consistentHash": chooser = DubboPeer.loadBalance(fleet, "consistenthash"); break;
        default: throw unknown(impl);
      }
    }
  }

  /** Round robin within the servers' zones (three zones, all healthy). */
  @State(Scope.Benchmark)
  public static class ZoneAware {
    @Param({"lbkit-zoneAware", "ribbon-zoneAvoidance"})
    String impl;

    @Param({"10", "100", "1000"})
    int n;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(n);
      switch (impl) {
        case "lbkit-zoneAware": chooser = LbkitPeer.selector(fleet, "zoneAware(roundRobin)"); break;
        case "ribbon-zoneAvoidance": chooser = RibbonPeer.rule(fleet, "zoneAvoidance"); break;
        default: throw unknown(impl);
      }
    }
  }

  @Benchmark
  public Object roundRobin(RoundRobin s, Seq seq) {
    return s.chooser.choose(seq.next++);
  }

  @Benchmark
  public Object random(Random s, Seq seq) {
    return s.chooser.choose(seq.next++);
  }

  @Benchmark
  public Object weightedRoundRobin(WeightedRoundRobin s, Seq seq) {
    return s.chooser.choose(seq.next++);
  }

  @Benchmark
  public Object leastLoaded(LeastLoaded s, Seq seq) {
    return s.chooser.choose(seq.next++);
  }

  @Benchmark
  public Object responseTime(ResponseTime s, Seq seq) {
    return s.chooser.choose(seq.next++);
  }

  @Benchmark
  public Object consistentHash(ConsistentHash s, Seq seq) {
    return s.chooser.choose(seq.next++);
  }

  @Benchmark
  public Object zoneAware(ZoneAware s, Seq seq) {
    return s.chooser.choose(seq.next++);
  }

  static IllegalArgumentException unknown(String impl) {
    return new IllegalArgumentException("impl: " + impl + " (expected: one of the @Param values)");
  }
}
