package io.lbkit.bench.peers;

import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import com.linecorp.armeria.client.endpoint.EndpointSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * Armeria's endpoint selection strategies over a static endpoint group, called through
 * {@code selectNow(ctx)}. The round-robin family ignores the request context, so none is built.
 */
public final class ArmeriaPeer {
  private ArmeriaPeer() {}

  /** {@code strategy}: roundRobin, weightedRoundRobin, rampingUp. */
  public static Chooser selector(Fleet fleet, String strategy) {
    List<Endpoint> endpoints = new ArrayList<>(fleet.size());
    for (int i = 0; i < fleet.size(); i++) {
      endpoints.add(Endpoint.of(fleet.host(i), Fleet.PORT).withWeight(fleet.weight(i)));
    }
    EndpointSelector selector = strategy(strategy).newSelector(EndpointGroup.of(endpoints));
    if (selector.selectNow(null) == null) {
      throw new IllegalStateException("Armeria " + strategy + " chose nothing");
    }
    return seq -> selector.selectNow(null);
  }

  private static EndpointSelectionStrategy strategy(String name) {
    switch (name) {
      case "roundRobin":
        return EndpointSelectionStrategy.roundRobin();
      case "weightedRoundRobin":
        return EndpointSelectionStrategy.weightedRoundRobin();
      case "rampingUp":
        return EndpointSelectionStrategy.rampingUp();
      default:
        throw new IllegalArgumentException(
            "strategy: " + name + " (expected: roundRobin, weightedRoundRobin, rampingUp)");
    }
  }
}
