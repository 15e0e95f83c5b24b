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
    Variant facade = Catalog.variant("roundRobin", "load", "failFast");
    Variant builtIn = new Variant("roundRobin", Strategies::roundRobin, "load",
        facade.tracker(), Policies.single());
    Variant plugged = new Variant("roundRobin", Strategies::roundRobin, "load",
        facade.tracker(), new SelfTracking());

    RunResult a = new Simulation(s, builtIn, 7).run();
    RunResult b = new Simulation(s, plugged, 7).run();
    RunResult c = new Simulation(s, facade, 7).run();

    assertThat(Report.table(List.of(b))).isEqualTo(Report.table(List.of(a)));
    // lbkit's LoadBalancer with failFast is the same single tracked attempt (its row says failFast)
    assertThat(Report.table(List.of(c)).replace("failFast", "single"))
        .isEqualTo(Report.table(List.of(a)));
    assertThat(b.outcomes(Outcome.TIMEOUT)).isEqualTo(a.outcomes(Outcome.TIMEOUT)).isPositive();
  }

  /** Binds per run and waits 5 ms on the run's virtual scheduler before its one attempt. */
  static final class Delayed implements ClientPolicy {
    private final Run run;
    final java.util.concurrent.atomic.AtomicInteger cancelledTimers;

    Delayed(Run run, java.util.concurrent.atomic.AtomicInteger cancelledTimers) {
      this.run = run;
      this.cancelledTimers = cancelledTimers;
    }

    @Override
    public String name() {
      return "delayed";
    }

    @Override
    public ClientPolicy bind(Run run) {
      return new Delayed(run, cancelledTimers);
    }

    @Override
    public void start(Call call) {
      java.util.concurrent.Future<?> never = run.schedule(() -> call.finish(false), 1_000_000L);
      run.schedule(() -> {
        if (never.cancel(false)) {
          cancelledTimers.incrementAndGet();
        }
        Policies.single().start(call);
      }, 500_000L);
    }
  }

  @Test
  void boundPolicyRunsOnTheRunsVirtualScheduler() {
    Scenario s = Scenario.builder(0, "t-bind", "bind")
        .server(ServerSpec.of("a", ServiceTime.constant(10)))
        .workload(Workload.openLoop(100)).durationSeconds(2).build();
    java.util.concurrent.atomic.AtomicInteger cancelled = new java.util.concurrent.atomic.AtomicInteger();
    Variant v = new Variant("roundRobin", Strategies::roundRobin, "load",
        Catalog.variant("roundRobin", "load", "failFast").tracker(), new Delayed(null, cancelled));

    RunResult r = new Simulation(s, v, 3).run();

    // 0.5 ms on the virtual timer + 10 ms service, for every request; no request failed, because
    // every 1 ms "fail" timer was cancelled before it fired
    assertThat(r.percentileMillis(0.001)).isEqualTo(10.5);
    assertThat(r.percentileMillis(1.0)).isEqualTo(10.5);
    assertThat(r.failures()).isZero();
    assertThat(cancelled.get()).isEqualTo((int) r.requests()).isGreaterThan(150);
  }
}
