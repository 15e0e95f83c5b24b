package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.LoadTracker;
import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.ServerMetrics;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared test helpers: servers, seeded selectors, counting and chi-square. */
final class Fixtures {
  /** Chi-square critical value at p = 0.001 for 9 degrees of freedom (10 categories). */
  static final double CHI2_CRITICAL_DF9 = 27.877;

  private Fixtures() {}

  static List<Server> servers(int n) {
    List<Server> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Server.of("10.0.0." + i, 8080));
    }
    return list;
  }

  static List<Server> weighted(int... weights) {
    List<Server> list = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      list.add(Server.builder("10.0.1." + i, 8080).weight(weights[i]).build());
    }
    return list;
  }

  static Selector selector(Strategy strategy, ServerPool pool, LoadTracker tracker, long seed) {
    return Selector.builder(pool).strategy(strategy).tracker(tracker)
        .random(RandomSource.seeded(seed)).build();
  }

  static Selector selector(Strategy strategy, ServerPool pool, long seed) {
    return selector(strategy, pool, LoadTracker.create(new ManualTicker()), seed);
  }

  /** Candidates over {@code servers} with slow-start factors {@code ramp}. */
  static Candidates ramped(List<Server> servers, double[] ramp, long seed) {
    ServerPool pool = ServerPool.of(servers);
    LoadTracker tracker = LoadTracker.create(new ManualTicker());
    Server[] s = servers.toArray(new Server[0]);
    ServerMetrics[] m = new ServerMetrics[s.length];
    for (int i = 0; i < s.length; i++) {
      m[i] = tracker.metrics(s[i]);
    }
    return Candidates.of(pool.snapshot(), s, m, ramp, null, RandomSource.seeded(seed),
        tracker.ticker());
  }

  /** Candidates over {@code servers} with {@code tracker}'s metrics and ticker, no ramp. */
  static Candidates candidates(List<Server> servers, LoadTracker tracker, long seed) {
    ServerPool pool = ServerPool.of(servers);
    Server[] s = servers.toArray(new Server[0]);
    ServerMetrics[] m = new ServerMetrics[s.length];
    for (int i = 0; i < s.length; i++) {
      m[i] = tracker.metrics(s[i]);
    }
    return Candidates.of(pool.snapshot(), s, m, null, null, RandomSource.seeded(seed),
        tracker.ticker());
  }

  /**
   * Runs {@code picks} picks on each of two threads started together by a latch, the threads
   * chosen so that their ids map to distinct cursors ({@link Stripes}), and returns each thread's
   * counts. Bounded: gives up after a minute.
   */
  static long[][] countOnTwoThreads(Selector selector, List<Server> servers, int picks)
      throws InterruptedException {
    return countOnTwoThreads(selector, servers, picks, false);
  }

  /** As above; with {@code sameCursor} the two threads' ids map to the same cursor instead. */
  static long[][] countOnTwoThreads(Selector selector, List<Server> servers, int picks,
      boolean sameCursor) throws InterruptedException {
    long[][] perThread = new long[2][];
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    Thread[] threads = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int id = t;
      Runnable body = () -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        perThread[id] = count(selector, servers, picks);
      };
      Thread thread = new Thread(body);
      while (t == 1 && sameCursor
          != (Stripes.stripeOf(thread.getId()) == Stripes.stripeOf(threads[0].getId()))) {
        thread = new Thread(body); // never started: only its id was wanted
      }
      threads[t] = thread;
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(60_000);
    }
    return perThread;
  }

  /**
   * Bytes this thread allocated over 200 000 picks ({@code choose()} and {@code choose(tried)}
   * in turns), after 40 000 to warm up and let the first reading's own costs pass. Fails if the
   * last pick found no server, so a selector that gives up cannot pass as one that allocates
   * nothing.
   */
  static long allocatedByPicks(Selector selector, Request tried) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long me = Thread.currentThread().getId();
    Server s = null;
    for (int k = 0; k < 20_000; k++) {
      s = selector.choose();
      s = selector.choose(tried);
    }
    long before = threads.getThreadAllocatedBytes(me);
    for (int k = 0; k < 100_000; k++) {
      s = selector.choose();
      s = selector.choose(tried);
    }
    long allocated = threads.getThreadAllocatedBytes(me) - before;
    assertThat(s).isNotNull();
    return allocated;
  }

  /** Picks {@code picks} times and counts by server position in {@code servers}. */
  static long[] count(Selector selector, List<Server> servers, int picks) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < servers.size(); i++) {
      index.put(servers.get(i).id(), i);
    }
    long[] counts = new long[servers.size()];
    for (int k = 0; k < picks; k++) {
      counts[index.get(selector.choose().id())]++;
    }
    return counts;
  }

  /** Pearson's chi-square statistic of {@code counts} against probabilities {@code p}. */
  static double chiSquare(long[] counts, double[] p) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double chi = 0;
    for (int i = 0; i < counts.length; i++) {
      double expected = total * p[i];
      double d = counts[i] - expected;
      chi += d * d / expected;
    }
    return chi;
  }

  static double[] uniform(int n) {
    double[] p = new double[n];
    java.util.Arrays.fill(p, 1.0 / n);
    return p;
  }

  static double[] proportional(int... weights) {
    double total = 0;
    for (int w : weights) {
      total += w;
    }
    double[] p = new double[weights.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = weights[i] / total;
    }
    return p;
  }
}
