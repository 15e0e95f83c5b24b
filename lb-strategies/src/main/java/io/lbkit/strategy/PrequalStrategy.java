package io.lbkit.strategy;

import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.internal.Checks;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Prequal (Wydrowski et al., "Load is not what you should balance: Introducing Prequal", NSDI
 * 2024): pick by probed requests in flight and latency, not by the client's own view of load.
 * Servers are probed asynchronously ({@link io.lbkit.spi.Prober}); a small pool of their answers
 * is reused across picks; the hot-cold rule picks the lowest-latency probe among those whose RIF
 * is at or below the pool's quantile, else the lowest RIF. The pool and its probe task are in
 * {@link ProbePool}. While the pool holds too few usable probes (a new selector, an idle one
 * whose probes expired) the fallback strategy picks: peak EWMA by default.
 *
 * <p>One pool per selector: a selector's pickers hand it on through {@code previous}, so the
 * strategy itself may be shared by several selectors, each probing for itself. Probing needs no
 * rebuilds (picks read the pool's slots), so the change listeners selectors add are never
 * called (they are passed on to the fallback, which may need them); they also serve as the
 * strategy's only signal that its selectors closed: once every selector that added one has
 * removed it, the probe tasks stop at their next run (and the
 * default timer thread, idle, ends). A pool whose selector closed while others stay open stops
 * once it is collected.
 *
 * <p>Slow start and exclusions: probe picks skip excluded servers and do not read the ramp (a
 * ramping server's probes show its own RIF and latency); the fallback honours both.
 */
final class PrequalStrategy implements Strategy {
  private final PrequalConfig config;
  private final Set<Runnable> selectors = ConcurrentHashMap.newKeySet();
  private volatile boolean opened;

  PrequalStrategy(PrequalConfig config) {
    this.config = config;
  }

  /** Selectors register here: passed on to the fallback, and counted as open selectors. */
  @Override
  public void addChangeListener(Runnable listener) {
    Checks.notNull(listener, "listener");
    config.fallback().addChangeListener(listener);
    selectors.add(listener);
    opened = true;
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    config.fallback().removeChangeListener(listener);
    selectors.remove(listener);
  }

  @Override
  public void onLoadReport() {
    config.fallback().onLoadReport();
  }

  /** Probe picks do not read the ramp (a ramping server's probes show its own load). */
  @Override
  public boolean usesRamp() {
    return config.fallback().usesRamp();
  }

  /** Whether every selector that registered has closed: probe tasks stop. */
  boolean closed() {
    return opened && selectors.isEmpty();
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    PrequalPicker prev = previous instanceof PrequalPicker
        && ((PrequalPicker) previous).strategy == this ? (PrequalPicker) previous : null;
    ProbePool pool = prev != null ? prev.pool
        : new ProbePool(config, scheduler(), candidates.ticker(), this::closed);
    pool.update(candidates);
    Picker fallback = config.fallback().newPicker(candidates, prev == null ? null : prev.fallback);
    return new PrequalPicker(this, pool, fallback);
  }

  private Scheduler scheduler() {
    return config.scheduler() != null ? config.scheduler() : SharedTimer.SCHEDULER;
  }

  @Override
  public String toString() {
    return "prequal(" + config + ')';
  }

  /** The default probe timer: one daemon thread, made when a prequal selector first needs it. */
  private static final class SharedTimer {
    static final Scheduler SCHEDULER;

    static {
      // no core thread: the one worker ends 10 ms after the last probe task stopped
      ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(0, r -> {
        Thread t = new Thread(r, "lbkit-prequal-probes");
        t.setDaemon(true);
        return t;
      });
      executor.setRemoveOnCancelPolicy(true);
      SCHEDULER = Scheduler.of(executor);
    }
  }

  static final class PrequalPicker implements Picker {
    final PrequalStrategy strategy;
    final ProbePool pool;
    final Picker fallback;

    PrequalPicker(PrequalStrategy strategy, ProbePool pool, Picker fallback) {
      this.strategy = strategy;
      this.pool = pool;
      this.fallback = fallback;
    }

    @Override
    public Server pick(Request request) {
      Server s = pool.choose(request);
      return s != null ? s : fallback.pick(request);
    }

    @Override
    public NoServerAvailableException refusal(Request request) {
      return fallback.refusal(request);
    }

    /** Picks from the pool without using a probe, else as the fallback's copy would. */
    @Override
    public Picker copy(RandomSource random) {
      Picker f = fallback.copy(random);
      if (f == null) {
        return null;
      }
      return request -> {
        Server s = pool.peek(request);
        return s != null ? s : f.pick(request);
      };
    }

    /** The pool's probes when it would pick; else the fallback, which would. */
    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      if (pool.describe(request, report)) {
        return;
      }
      report.note("prequal: " + pool.usable(request) + " usable probes, below "
          + strategy.config.minProbes() + ": the fallback (" + strategy.config.fallback()
          + ") picks");
      fallback.describe(request, chosen, report);
    }
  }
}
