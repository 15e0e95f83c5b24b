package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.HealthTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.Server;
import io.lbkit.strategy.Strategies;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A facade that records to the tracker itself (as lbkit's LoadBalancer will) plugs in through
 * {@link ClientPolicy.Call#send}: driven the same way, it must measure exactly what the built-in
 * tracked attempt measures.
 */
class PolicyPlugTest {

  /** One attempt: choose, onStart, untracked send, onSuccess/onFailure from the future. */
  static final class SelfTracking implements ClientPolicy {
    @Override
    public String name() {
      return "single";
    }

    @Override
    public void start(Call call) {
      Server s;
      try {
        s = call.selector().choose(call.request());
      } catch (NoServerAvailableException e) {
        call.finish(false);
        return;
      }
      HealthTracker t = call.tracker();
      long t0 = t.onStart(s);
      call.send(s, Policies.DEFAULT_ATTEMPT_TIMEOUT_NANOS).whenComplete((ok, error) -> {
        if (error == null) {
          t.onSuccess(s, t0);
        } else {
          t.onFailure(s, t0, error);
        }
        call.finish(error == null);
      });
    }
  }

  @Test
  void selfTrackingPolicyOverSendMeasuresWhatTheBuiltInSinglePolicyMeasures() {
    Scenario s = Scenarios.oneSlow().withDuration(20);
    Variant builtIn = Catalog.variant("roundRobin", "load", "single");
    Variant plugged = new Variant("roundRobin", Strategies::roundRobin, "load",
        builtIn.tracker(), new SelfTracking());

    RunResult a = new Simulation(s, builtIn, 7).run();
    RunResult b = new Simulation(s, plugged, 7).run();

    assertThat(Report.table(List.of(b))).isEqualTo(Report.table(List.of(a)));
    assertThat(b.outcomes(Outcome.TIMEOUT)).isEqualTo(a.outcomes(Outcome.TIMEOUT)).isPositive();
  }
}
