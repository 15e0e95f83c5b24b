package io.lbkit.reliability;

import io.lbkit.Attempt;
import io.lbkit.internal.TrackedAttempt;
import io.lbkit.testing.ManualTicker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.health.EjectionReason;
import io.lbkit.health.ConsecutiveFailures;
import io.lbkit.health.EjectionLimits;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.SlowStart;
import io.lbkit.health.HealthListener;
import io.lbkit.health.HealthMonitor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of the churn workload shared by the stress test and the soak: {@value #CHOOSERS}
 * threads choose and report outcomes while an updater thread replaces the pool every {@code
 * picksPerUpdate} picks and flips health states (ejections by reported failures, restorations by
 * advancing the manual ticker and ticking).
 *
 * <p>The pool is {@value #STABLE} stable servers ({@code s-i}, always members, the ones that get
 * ejected and restored) plus a generation of 1..5 servers ({@code g<n>-<i>}) that the next update
 * replaces. Pacing uses only pick counts: the updater performs update {@code u} once {@code u x K}
 * picks have been made, and a chooser waits while it is more than one update ahead, so the number
 * of updates is exact whatever the scheduling, and no thread sleeps.
 */
final class Churn {
  static final int CHOOSERS = 2;
  static final int STABLE = 4;
  static final int CONSECUTIVE_FAILURES = 3;
  static final Duration BASE_EJECTION = Duration.ofSeconds(1);
  static final Duration MAX_EJECTION = Duration.ofSeconds(4);
  static final Duration GRACE = Duration.ofSeconds(5);

  final String name;
  final boolean exclusions;
  final ManualTicker ticker = new ManualTicker();
  final ServerPool pool = ServerPool.of(poolOf(0));
  final HealthMonitor monitor;
  final Selector selector;
  final AtomicInteger ejections = new AtomicInteger();
  final AtomicInteger restorations = new AtomicInteger();
  /** Permissions granted by the monitor, and calls ended (success, failure, cancel). */
  final AtomicLong permits = new AtomicLong();
  final AtomicLong ends = new AtomicLong();
  final AtomicLong picks = new AtomicLong();
  final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicInteger publishing = new AtomicInteger(); // generation being published
  private final AtomicInteger completed = new AtomicInteger(); // last update() that returned
  private final Request[] requests;
  private volatile boolean stop;

  Churn(String name, Strategy strategy) {
    this.name = name;
    this.exclusions = !EveryStrategy.confinesToSubset(name);
    HealthConfig config = HealthConfig.builder()
        .consecutiveFailures(ConsecutiveFailures.of(CONSECUTIVE_FAILURES))
        .ejection(EjectionLimits.builder()
            .baseTime(BASE_EJECTION)
            .maxTime(MAX_EJECTION)
            .maxPercent(50)
            .build())
        .stateGracePeriod(GRACE)
        .slowStart(SlowStart.over(Duration.ofSeconds(2)))
        .build();
    this.monitor = HealthMonitor.builder(pool).config(config).ticker(ticker)
        .random(RandomSource.seeded(5))
        .listener(new HealthListener() {
          @Override
          public void onEjected(Server server, EjectionReason reason, Duration duration) {
            ejections.incrementAndGet();
          }

          @Override
          public void onRestored(Server server) {
            restorations.incrementAndGet();
          }
        })
        .build();
    this.selector = Selector.builder(pool).strategy(strategy).tracker(monitor)
        .random(RandomSource.seeded(11)).build();
    List<Request> r = new ArrayList<>();
    for (int k = 0; k < 64; k++) {
      r.add(Request.withKey("user-" + k));
      r.add(Request.NONE);
      if (exclusions) {
        r.add(Request.withKey(k).excluding(stable(k % STABLE)));
      }
    }
    this.requests = r.toArray(new Request[0]);
  }

  static Server stable(int i) {
    return Server.builder("10.0.0." + (i + 1), 8080).id("s-" + i).zone(i % 2 == 0 ? "z1" : "z2")
        .weight(1 + i % 3).build();
  }

  static List<Server> poolOf(int g) {
    List<Server> list = new ArrayList<>();
    for (int i = 0; i < STABLE; i++) {
      list.add(stable(i));
    }
    int size = 1 + g % 5;
    for (int i = 0; i < size; i++) {
      list.add(Server.builder("10.1." + (g % 250) + "." + i, 9000 + i).id("g" + g + "-" + i)
          .zone(i % 2 == 0 ? "z1" : "z2").weight(1 + (g + i) % 3).build());
    }
    return list;
  }

  /** The generation of a generation server, or -1 for a stable one. */
  static int generationOf(Server s) {
    String id = s.id();
    return id.startsWith("s-") ? -1 : Integer.parseInt(id.substring(1, id.indexOf('-')));
  }

  int generation() {
    return completed.get();
  }

  /**
   * Runs {@code updates} updates and {@code updates x picksPerUpdate} picks on fresh threads and
   * returns once they have all ended (or one failed).
   */
  void run(int updates, int picksPerUpdate) throws InterruptedException {
    long target = picks.get() + (long) updates * picksPerUpdate;
    long perChooser = (long) updates * picksPerUpdate / CHOOSERS;
    long base = picks.get();
    int g0 = completed.get();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < CHOOSERS; t++) {
      int id = t;
      threads.add(new Thread(() -> guard(() -> choose(id, perChooser, base, g0, picksPerUpdate)),
          "churn-chooser-" + t));
    }
    int firstUpdate = g0 + 1;
    threads.add(new Thread(() -> guard(() -> update(firstUpdate, updates, base, picksPerUpdate)),
        "churn-updater"));
    for (Thread t : threads) {
      t.start();
    }
    for (Thread t : threads) {
      t.join(120_000);
      if (t.isAlive()) {
        stop = true;
        failure.compareAndSet(null, new AssertionError(t.getName() + " still running"));
        t.join(10_000);
      }
    }
    stop = false;
    if (failure.get() == null && picks.get() != target) {
      failure.compareAndSet(null, new AssertionError("picks " + picks.get() + " != " + target));
    }
  }

  private void guard(Runnable body) {
    try {
      body.run();
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
      stop = true;
    }
  }

  private void choose(int thread, long count, long base, int g0, int k) {
    for (long i = 0; i < count && !stop; i++) {
      // Never more than one update ahead of the updater.
      while (!stop && picks.get() - base >= (long) (completed.get() - g0 + 2) * k) {
        Thread.yield();
      }
      int floor = completed.get();
      Request r = requests[(int) ((i * 7 + thread) % requests.length)];
      Server s;
      try {
        s = selector.choose(r);
      } catch (NoServerAvailableException e) {
        throw new AssertionError(name + ": choose threw at generation " + floor, e);
      }
      int published = publishing.get();
      int g = generationOf(s);
      if (s == null || (g >= 0 && (g < floor || g > published))) {
        throw new AssertionError(name + ": picked " + s + " when generation " + floor
            + " was current and " + published + " the newest published");
      }
      if (r.excludes(s)) {
        throw new AssertionError(name + ": picked excluded " + s + " for " + r);
      }
      Attempt a = TrackedAttempt.tryStart(monitor, s);
      if (a != null) {
        permits.incrementAndGet();
        switch ((int) (i % 8)) {
          case 0 -> a.failure(new RuntimeException("injected"));
          case 1 -> a.cancel();
          default -> a.success();
        }
        ends.incrementAndGet();
      }
      picks.incrementAndGet();
    }
  }

  private void update(int first, int updates, long base, int k) {
    for (int n = 1; n <= updates && !stop; n++) {
      while (!stop && picks.get() - base < (long) n * k) {
        Thread.yield();
      }
      int g = first + n - 1;
      publishing.set(g);
      pool.update(poolOf(g));
      completed.set(g);
      if (g % 4 == 0) {
        Server victim = stable((g / 4) % STABLE);
        for (int f = 0; f < CONSECUTIVE_FAILURES; f++) {
          Attempt a = TrackedAttempt.tryStart(monitor, victim);
          if (a != null) {
            permits.incrementAndGet();
            a.failure(new RuntimeException("flip"));
            ends.incrementAndGet();
          }
        }
      } else if (g % 4 == 2) {
        ticker.advance(BASE_EJECTION);
        monitor.tick();
      }
    }
  }
}
