package io.lbkit.bench.peers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.RandomLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;

/**
 * Spring Cloud LoadBalancer's reactive balancers over a fixed instance list, called as a blocking
 * client calls them: {@code choose().block()}. The Mono assembly and subscription are part of
 * what is measured, because every Spring user pays them.
 */
public final class SpringPeer {
  private static final String SERVICE_ID = "demo";

  private SpringPeer() {}

  /** {@code algorithm}: roundRobin or random. */
  public static Chooser blocking(Fleet fleet, String algorithm) {
    ServiceInstance[] instances = new ServiceInstance[fleet.size()];
    for (int i = 0; i < instances.length; i++) {
      instances[i] = new DefaultServiceInstance(SERVICE_ID + "-" + i, SERVICE_ID, fleet.host(i),
          Fleet.PORT, false);
    }
    ObjectProvider<ServiceInstanceListSupplier> supplier =
        ServiceInstanceListSuppliers.toProvider(SERVICE_ID, instances);
    ReactorServiceInstanceLoadBalancer lb = switch (algorithm) {
      case "roundRobin" -> new RoundRobinLoadBalancer(supplier, SERVICE_ID);
      case "random" -> new RandomLoadBalancer(supplier, SERVICE_ID);
      default -> throw new IllegalArgumentException(
          "algorithm: " + algorithm + " (expected: roundRobin, random)");
    };
    var first = lb.choose().block();
    if (first == null || !first.hasServer()) {
      throw new IllegalStateException("Spring " + algorithm + " chose nothing");
    }
    return seq -> lb.choose().block();
  }
}
