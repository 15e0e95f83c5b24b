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
 * {@code FloorBenchmark}; the full call path against Dubbo is in
 * {@link PeerCallPathBenchmark}.
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
    int N;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(N);
      chooser = switch (impl) {
        case "lbkit" -> LbkitPeer.selector(fleet, "roundRobin");
        case "dubbo" -> DubboPeer.loadBalance(fleet, "roundrobin");
        case "ribbon" -> RibbonPeer.rule(fleet, "roundRobin");
        case "spring" -> SpringPeer.blocking(fleet, "roundRobin");
        case "armeria" -> ArmeriaPeer.selector(fleet, "roundRobin");
        case "grpc" -> GrpcPeer.roundRobin(fleet);
        default -> throw unknown(impl);
      };
    }
  }

  /** A uniformly random server. */
  @State(Scope.Benchmark)
  public static class Random {
    @Param({"lbkit", "dubbo", "ribbon", "spring"})
    String impl;

    @Param({"10", "100", "1000"})
    int N;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(N);
      chooser = switch (impl) {
        case "lbkit" -> LbkitPeer.selector(fleet, "random");
        case "dubbo" -> DubboPeer.loadBalance(fleet, "random");
        case "ribbon" -> RibbonPeer.rule(fleet, "random");
        case "spring" -> SpringPeer.blocking(fleet, "random");
        default -> throw unknown(impl);
      };
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
    int N;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.weighted(N);
      chooser = switch (impl) {
        case "lbkit" -> LbkitPeer.selector(fleet, "weightedRoundRobin");
        case "dubbo" -> DubboPeer.loadBalance(fleet, "roundrobin");
        case "armeria" -> ArmeriaPeer.selector(fleet, "weightedRoundRobin");
        case "armeria-rampingUp" -> ArmeriaPeer.selector(fleet, "rampingUp");
        default -> throw unknown(impl);
      };
    }
  }

  /** The least loaded server: Dubbo's and Ribbon's exact scans, lbkit's least-loaded picks. */
  @State(Scope.Benchmark)
  public static class LeastLoaded {
    @Param({"lbkit-leastConnections", "lbkit-p2c", "dubbo-leastActive", "ribbon-bestAvailable"})
    String impl;

    @Param({"10", "100", "1000"})
    int N;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(N);
      chooser = switch (impl) {
        case "lbkit-leastConnections" -> LbkitPeer.selector(fleet, "leastConnections");
        case "lbkit-p2c" -> LbkitPeer.selector(fleet, "powerOfTwoChoices");
        case "dubbo-leastActive" -> DubboPeer.loadBalance(fleet, "leastactive");
        case "ribbon-bestAvailable" -> RibbonPeer.rule(fleet, "bestAvailable");
        default -> throw unknown(impl);
      };
    }
  }

  /** The fastest server by observed response time. */
  @State(Scope.Benchmark)
  public static class ResponseTime {
    @Param({"lbkit-peakEwma", "dubbo-shortestResponse", "ribbon-weightedResponseTime"})
    String impl;

    @Param({"10", "100", "1000"})
    int N;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(N);
      chooser = switch (impl) {
        case "lbkit-peakEwma" -> LbkitPeer.selector(fleet, "peakEwma");
        case "dubbo-shortestResponse" -> DubboPeer.loadBalance(fleet, "shortestresponse");
        case "ribbon-weightedResponseTime" -> RibbonPeer.rule(fleet, "weightedResponseTime");
        default -> throw unknown(impl);
      };
    }
  }

  /** A server by key; each thread cycles through 1024 precomputed keys. */
  @State(Scope.Benchmark)
  public static class ConsistentHash {
    @Param({"lbkit-consistentHash", "lbkit-maglev", "dubbo-consistentHash"})
    String impl;

    @Param({"10", "100", "1000"})
    int N;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(N);
      chooser = switch (impl) {
        case "lbkit-consistentHash" -> LbkitPeer.keyedSelector(fleet, "consistentHash");
        case "lbkit-maglev" -> LbkitPeer.keyedSelector(fleet, "maglev");
        case "dubbo-consistentHash" -> DubboPeer.loadBalance(fleet, "consistenthash");
        default -> throw unknown(impl);
      };
    }
  }

  /**
   * Zone-aware round robin over three healthy zones: Ribbon filters out zones it judges degraded
   * and rotates over the rest; lbkit keeps to the caller's zone.
   */
  @State(Scope.Benchmark)
  public static class ZoneAware {
    @Param({"lbkit-zoneAware", "ribbon-zoneAvoidance"})
    String impl;

    @Param({"10", "100", "1000"})
    int N;

    Chooser chooser;

    @Setup
    public void setup() {
      Fleet fleet = Fleet.of(N);
      chooser = switch (impl) {
        case "lbkit-zoneAware" -> LbkitPeer.zoneAware(fleet, fleet.zone(0), "roundRobin");
        case "ribbon-zoneAvoidance" -> RibbonPeer.rule(fleet, "zoneAvoidance");
        default -> throw unknown(impl);
      };
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
