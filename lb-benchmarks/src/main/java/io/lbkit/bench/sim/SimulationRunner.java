package io.lbkit.bench.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs every variant through every scenario. Runs are independent (each has its own ticker, pool,
 * selector, tracker and random streams), so they go to a pool of threads; results are collected in
 * submission order, so the output does not depend on which finished first.
 */
public final class SimulationRunner {
  private SimulationRunner() {}

  /** Results per scenario, in the order of {@code scenarios} and then of {@code variants}. */
  public static Map<Scenario, List<RunResult>> runAll(List<Scenario> scenarios,
      List<Variant> variants, long seed, int threads) {
    return runAll(scenarios, s -> variants, seed, threads);
  }

  /** As above, with each scenario's own variants. */
  public static Map<Scenario, List<RunResult>> runAll(List<Scenario> scenarios,
      Function<Scenario, List<Variant>> variants, long seed, int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "simulation");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<Scenario, List<Future<RunResult>>> futures = new LinkedHashMap<>();
      for (Scenario s : scenarios) {
        List<Future<RunResult>> fs = new ArrayList<>();
        for (Variant v : variants.apply(s)) {
          fs.add(pool.submit(() -> new Simulation(s, v, seed).run()));
        }
        futures.put(s, fs);
      }
      Map<Scenario, List<RunResult>> out = new LinkedHashMap<>();
      for (Map.Entry<Scenario, List<Future<RunResult>>> e : futures.entrySet()) {
        List<RunResult> rs = new ArrayList<>();
        for (Future<RunResult> f : e.getValue()) {
          rs.add(get(f));
        }
        out.put(e.getKey(), rs);
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static RunResult get(Future<RunResult> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while simulating", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a simulation run failed", e.getCause());
    }
  }
}
