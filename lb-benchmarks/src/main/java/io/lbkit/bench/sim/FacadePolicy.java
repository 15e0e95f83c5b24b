package io.lbkit.bench.sim;

import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.Scheduler;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * A client policy that is lbkit's own {@link LoadBalancer} facade with one {@link Failover} mode:
 * each logical request is one {@code executeAsync}, whose attempts are untracked {@link
 * ClientPolicy.Call#send}s (the facade reports to the run's tracker itself, takes breaker
 * permissions, spends the retry budget and cancels losing hedges).
 *
 * <p>Virtual time: the balancer's {@link Scheduler} is the run's event queue, so backoff waits
 * and hedge timers pass in virtual time; its blocking {@code sleep} is never used, because the
 * simulator only calls {@code executeAsync} (it throws, so a mode that tried to block the event
 * loop would fail loudly instead of stalling real time). The executor runs tasks inline on the
 * event loop; only blocking modes would use it. Everything else is the facade's defaults,
 * including {@code RetryBudget.defaults} (20% of calls + 10/s) on the run's ticker.
 */
final class FacadePolicy implements ClientPolicy {
  private static final Executor INLINE = Runnable::run;

  private final String name;
  private final Failover failover;
  private final LoadBalancer balancer; // null in the unbound prototype

  FacadePolicy(String name, Failover failover) {
    this(name, failover, null);
  }

  private FacadePolicy(String name, Failover failover, LoadBalancer balancer) {
    this.name = name;
    this.failover = failover;
    this.balancer = balancer;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ClientPolicy bind(Run run) {
    LoadBalancer lb = LoadBalancer.builder(run.pool())
        .strategy(run.strategy())
        .tracker(run.tracker())
        .failover(failover)
        .ticker(run.ticker())
        .random(run.random())
        .scheduler(new VirtualScheduler(run))
        .executor(INLINE)
        .build();
    return new FacadePolicy(name, failover, lb);
  }

  @Override
  public void start(Call call) {
    if (balancer == null) {
      throw new IllegalStateException("start: unbound policy " + name
          + " (expected: the instance bind(run) returned)");
    }
    balancer.executeAsync(call.request(),
            server -> call.send(server, Policies.DEFAULT_ATTEMPT_TIMEOUT_NANOS))
        .whenComplete((ok, error) -> call.finish(error == null));
  }

  /** The balancer of a bound policy (null in the prototype), for recording its calls. */
  LoadBalancer balancer() {
    return balancer;
  }

  @Override
  public String toString() {
    return name + " (" + failover + ")";
  }

  /** Timers on the run's event queue; no blocking waits in virtual time. */
  private static final class VirtualScheduler implements Scheduler {
    private final Run run;

    VirtualScheduler(Run run) {
      this.run = run;
    }

    @Override
    public Future<?> schedule(Runnable task, long delayNanos) {
      return run.schedule(task, delayNanos);
    }

    @Override
    public void sleep(long nanos) {
      throw new UnsupportedOperationException("sleep: " + nanos + " ns (expected: no blocking "
          + "wait on the simulator's event loop; use executeAsync)");
    }
  }
}
