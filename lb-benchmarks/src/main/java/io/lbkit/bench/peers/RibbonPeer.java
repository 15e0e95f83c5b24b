package io.lbkit.bench.peers;

import com.netflix.loadbalancer.BaseLoadBalancer;
import com.netflix.loadbalancer.BestAvailableRule;
import com.netflix.loadbalancer.IRule;
import com.netflix.loadbalancer.LoadBalancerStats;
import com.netflix.loadbalancer.RandomRule;
import com.netflix.loadbalancer.RoundRobinRule;
import com.netflix.loadbalancer.Server;
import com.netflix.loadbalancer.WeightedResponseTimeRule;
import com.netflix.loadbalancer.ZoneAvoidanceRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Netflix Ribbon's rules behind a {@link BaseLoadBalancer} with no ping (every server is up),
 * called through {@code chooseServer(key)} as a Ribbon client does.
 *
 * <p>The stats the load-aware rules read are filled in setup so that they take their real path:
 * every server has a recorded response time (10..29 ms, so weighted response time has unequal
 * weights), and zones are registered so that zone avoidance builds its zone snapshots.
 */
public final class RibbonPeer {
  private static final String KEY = "default";

  private RibbonPeer() {}

  /** {@code rule}: roundRobin, random, weightedResponseTime, bestAvailable, zoneAvoidance. */
  public static Chooser rule(Fleet fleet, String rule) {
    List<Server> servers = servers(fleet);
    BaseLoadBalancer lb = new BaseLoadBalancer();
    lb.addServers(servers);
    LoadBalancerStats stats = lb.getLoadBalancerStats();
    Map<String, List<Server>> byZone = new HashMap<>();
    for (int i = 0; i < servers.size(); i++) {
      Server s = servers.get(i);
      stats.noteResponseTime(s, 10 + i % 20);
      byZone.computeIfAbsent(s.getZone(), z -> new ArrayList<>()).add(s);
    }
    stats.updateZoneServerMapping(byZone);
    // setRule hands the balancer to the rule, which then reads the servers and stats above
    // (weighted response time computes its weights there, before its first timer tick).
    lb.setRule(newRule(rule));
    if (lb.chooseServer(KEY) == null) {
      throw new IllegalStateException("Ribbon " + rule + " chose nothing");
    }
    return seq -> lb.chooseServer(KEY);
  }

  private static IRule newRule(String rule) {
    return switch (rule) {
      case "roundRobin" -> new RoundRobinRule();
      case "random" -> new RandomRule();
      case "weightedResponseTime" -> new WeightedResponseTimeRule();
      case "bestAvailable" -> new BestAvailableRule();
      case "zoneAvoidance" -> new ZoneAvoidanceRule();
      default -> throw new IllegalArgumentException("rule: " + rule + " (expected: roundRobin, "
          + "random, weightedResponseTime, bestAvailable, zoneAvoidance)");
    };
  }

  private static List<Server> servers(Fleet fleet) {
    List<Server> servers = new ArrayList<>(fleet.size());
    for (int i = 0; i < fleet.size(); i++) {
      Server s = new Server(fleet.host(i), Fleet.PORT);
      s.setZone(fleet.zone(i));
      s.setAlive(true);
      s.setReadyToServe(true);
      servers.add(s);
    }
    return servers;
  }
}
