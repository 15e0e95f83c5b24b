package io.lbkit.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.Endpoint;
import io.grpc.LoadBalancer;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;

/**
 * Each adapter really runs its peer's algorithm over the whole fleet: a benchmark of a peer stuck
 * in a fallback path (or picking from one server) would measure the wrong thing.
 */
class PeerAdaptersTest {
  private static final int N = 10;
  private final Fleet fleet = Fleet.of(N);
  private final Fleet weighted = Fleet.weighted(N);

  @Test
  void everyRoundRobinVisitsEachServerOncePerCycle() {
    Chooser[] choosers = {
        LbkitPeer.selector(fleet, "roundRobin"),
        DubboPeer.loadBalance(fleet, "roundrobin"),
        RibbonPeer.rule(fleet, "roundRobin"),
        SpringPeer.blocking(fleet, "roundRobin"),
        ArmeriaPeer.selector(fleet, "roundRobin"),
        GrpcPeer.roundRobin(fleet),
    };
    for (Chooser c : choosers) {
      Set<String> cycle = new HashSet<>();
      for (int i = 0; i < N; i++) {
        cycle.add(hostOf(c.choose(i)));
      }
      assertThat(cycle).as(c.toString()).hasSize(N);
    }
  }

  @Test
  void everyRandomReachesEveryServer() {
    Chooser[] choosers = {
        LbkitPeer.selector(fleet, "random"),
        DubboPeer.loadBalance(fleet, "random"),
        RibbonPeer.rule(fleet, "random"),
        SpringPeer.blocking(fleet, "random"),
    };
    for (Chooser c : choosers) {
      assertThat(counts(c, 2_000)).as(c.toString()).hasSize(N);
    }
  }

  @Test
  void weightedRoundRobinsGiveEachServerItsWeightPerCycle() {
    // Weights 1..5 twice: a cycle is 30 picks; 10 cycles give server i exactly 10 x weight(i).
    Chooser[] exact = {
        DubboPeer.loadBalance(weighted, "roundrobin"),
        ArmeriaPeer.selector(weighted, "weightedRoundRobin"),
    };
    for (Chooser c : exact) {
      Map<String, Integer> counts = counts(c, 300);
      for (int i = 0; i < N; i++) {
        assertThat(counts.get(weighted.host(i))).as(c + " " + i).isEqualTo(10 * weighted.weight(i));
      }
    }
  }

  @Test
  void rampingUpInSteadyStateFavoursHeavierServers() {
    Map<String, Integer> counts = counts(ArmeriaPeer.selector(weighted, "rampingUp"), 6_000);
    assertThat(counts).hasSize(N);
    // Weight 5 against weight 1: 1000 against 200 picks expected.
    assertThat(counts.get(weighted.host(4))).isGreaterThan(3 * counts.get(weighted.host(0)));
  }

  @Test
  void dubboLoadAwareBalancesBreakTiesAtRandomOverTheWholeFleet() {
    // Nothing in flight and no response times: every invoker ties, and the tie is broken at random.
    assertThat(counts(DubboPeer.loadBalance(fleet, "leastactive"), 2_000)).hasSize(N);
    assertThat(counts(DubboPeer.loadBalance(fleet, "shortestresponse"), 2_000)).hasSize(N);
  }

  @Test
  void ribbonBestAvailableScansToTheFirstLeastLoadedServer() {
    // Ribbon keeps the first server with the fewest active requests: with none, always server 0.
    assertThat(counts(RibbonPeer.rule(fleet, "bestAvailable"), 100))
        .containsOnly(Map.entry(fleet.host(0), 100));
  }

  @Test
  void ribbonZoneAvoidanceRotatesOverEveryZone() {
    assertThat(counts(RibbonPeer.rule(fleet, "zoneAvoidance"), 100)).hasSize(N);
  }

  @Test
  void weightedResponseTimeUsesItsWeightsNotItsRoundRobinFallback() {
    // The fallback is plain round robin: exactly 200 picks each. Weighted picks are random.
    Map<String, Integer> counts = counts(RibbonPeer.rule(fleet, "weightedResponseTime"), 2_000);
    assertThat(counts).hasSize(N);
    assertThat(new HashSet<>(counts.values())).hasSizeGreaterThan(1);
  }

  @Test
  void dubboConsistentHashIsStickyPerKeyAndSpreadsKeys() {
    Chooser c = DubboPeer.loadBalance(fleet, "consistenthash");
    Set<String> used = new HashSet<>();
    for (int k = 0; k < Fleet.KEYS; k++) {
      String first = hostOf(c.choose(k));
      assertThat(hostOf(c.choose(k + Fleet.KEYS))).isEqualTo(first);
      used.add(first);
    }
    assertThat(used).hasSize(N);
  }

  @Test
  void callPathsReturnTheCallsResult() throws Exception {
    Chooser dubbo = DubboPeer.clusterInvoker(fleet).forThread();
    assertThat(((Result) dubbo.choose(0)).getValue()).isEqualTo("hello");
    try (LbkitPeer.FacadeChooser facade = (LbkitPeer.FacadeChooser) LbkitPeer.facade(fleet)) {
      assertThat(facade.choose(0)).isEqualTo("hello");
    }
    Map<String, Integer> lbkit = counts(LbkitPeer.selectorCallPath(fleet, "roundRobin"), 100);
    assertThat(lbkit.values()).containsOnly(10);
  }

  private static Map<String, Integer> counts(Chooser c, int picks) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(hostOf(c.choose(i)), 1, Integer::sum);
    }
    return counts;
  }

  /** The host of whatever a peer returns for a pick. */
  private static String hostOf(Object picked) {
    if (picked instanceof io.lbkit.Server s) {
      return s.host();
    }
    if (picked instanceof Invoker<?> invoker) {
      return invoker.getUrl().getHost();
    }
    if (picked instanceof com.netflix.loadbalancer.Server s) {
      return s.getHost();
    }
    if (picked instanceof Response<?> r) {
      return ((ServiceInstance) r.getServer()).getHost();
    }
    if (picked instanceof Endpoint e) {
      return e.host();
    }
    if (picked instanceof LoadBalancer.PickResult r) {
      InetSocketAddress a = (InetSocketAddress) r.getSubchannel().getAddresses().getAddresses().get(0);
      return a.getAddress().getHostAddress();
    }
    throw new AssertionError("unexpected pick: " + picked);
  }
}
