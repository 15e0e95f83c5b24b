package io.lbkit.bench.sim;

import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.ProbeResult;
import io.lbkit.spi.Prober;
import io.lbkit.server.LoadReporter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Probing in virtual time, for strategies that probe (Prequal): a {@link Prober} whose probe
 * reaches the simulated server after half a round trip, reads what its {@link LoadReporter}
 * would answer (requests in flight, latency at that RIF) and is back after the other half; and
 * a {@link Scheduler} on the run's event queue that refuses timers at or past the scenario's
 * end, so that a probe task stops and the run ends. A dead server refuses the probe after
 * {@link SimServer#REFUSE_NANOS}. Event-loop thread only.
 */
final class SimProbing implements Prober, Scheduler {
  /** A probe's round trip: {@value} ns, a small fraction of any call. */
  static final long PROBE_RTT_NANOS = 500_000L;

  private final EventQueue events;
  private final Map<String, SimServer> byId;
  private final long endNanos;

  SimProbing(EventQueue events, Map<String, SimServer> byId, long endNanos) {
    this.events = events;
    this.byId = byId;
    this.endNanos = endNanos;
    events.addLane(PROBE_RTT_NANOS / 2);
  }

  @Override
  public CompletionStage<ProbeResult> probe(Server server) {
    CompletableFuture<ProbeResult> answer = new CompletableFuture<>();
    SimServer sim = byId.get(server.id());
    events.after(PROBE_RTT_NANOS / 2, () -> {
      if (sim.isDead()) {
        events.after(SimServer.REFUSE_NANOS - PROBE_RTT_NANOS / 2,
            () -> answer.completeExceptionally(Outcome.REFUSED.error));
        return;
      }
      LoadReporter load = sim.load();
      int rif = load.inFlight();
      ProbeResult r = new ProbeResult(rif, load.latencyNanosAt(rif));
      events.after(PROBE_RTT_NANOS / 2, () -> answer.complete(r));
    });
    return answer;
  }

  @Override
  public Future<?> schedule(Runnable task, long delayNanos) {
    if (events.now() + delayNanos >= endNanos) {
      throw new RejectedExecutionException("schedule: at " + (events.now() + delayNanos)
          + " ns (expected: before the scenario's end, " + endNanos + " ns)");
    }
    VirtualTimer timer = new VirtualTimer(task);
    events.after(delayNanos, timer);
    return timer;
  }

  @Override
  public void sleep(long nanos) {
    throw new UnsupportedOperationException("sleep: " + nanos + " ns (expected: no blocking "
        + "wait on the simulator's event loop)");
  }

  /**
   * A catalog entry for a strategy that probes or schedules work (Prequal, zone spillover): it is
   * built per run from that run's prober and virtual-time scheduler ({@link #create}); outside a
   * simulation ({@link #get}) there is none.
   */
  static final class Entry implements Supplier<Strategy> {
    private final String name;
    private final BiFunction<Prober, Scheduler, Strategy> factory;

    Entry(String name, BiFunction<Prober, Scheduler, Strategy> factory) {
      this.name = name;
      this.factory = factory;
    }

    Strategy create(SimProbing probing) {
      return factory.apply(probing, probing);
    }

    @Override
    public Strategy get() {
      throw new UnsupportedOperationException(name + ": probes simulated servers (expected: "
          + "a Simulation run, which builds it with its SimProbing)");
    }
  }
}
