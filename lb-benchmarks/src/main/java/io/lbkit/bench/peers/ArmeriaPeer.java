package io.lbkit.bench.peers;

import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import com.linecorp.armeria.client.endpoint.EndpointSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Armeria's endpoint selection strategies over a static endpoint group, called through
 * {@code selectNow(ctx)}. None of these strategies reads the request context, so none is built.
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
    return switch (name) {
      case "roundRobin" -> EndpointSelectionStrategy.roundRobin();
      case "weightedRoundRobin" -> EndpointSelectionStrategy.weightedRoundRobin();
      case "rampingUp" -> {
        // Every endpoint joined an hour ago, so the ramp is over and the pick uses full weights:
        // the steady state a long-running client is in. (Without a timestamp, endpoints count as
        // joining now and would be measured mid-ramp at nearly equal weights.)
        long joined = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
        yield EndpointSelectionStrategy.builderForRampingUp()
            .timestampFunction(endpoint -> joined)
            .build();
      }
      default -> throw new IllegalArgumentException(
          "strategy: " + name + " (expected: roundRobin, weightedRoundRobin, rampingUp)");
    };
  }
}
