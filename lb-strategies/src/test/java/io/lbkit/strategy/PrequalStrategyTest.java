package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Explanation;
import io.lbkit.LoadTracker;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ProbeResult;
import io.lbkit.spi.Prober;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class PrequalStrategyTest {
  private static final long MS = 1_000_000L;
  private static final Duration INTERVAL = PrequalConfig.DEFAULT_PROBE_INTERVAL;

  /** A prober whose probes the test answers, in the order they were sent. */
  static final class ScriptedProber implements Prober {
    final List<Server> asked = new ArrayList<>();
    final List<CompletableFuture<ProbeResult>> pending = new ArrayList<>();

    @Override
    public CompletionStage<ProbeResult> probe(Server server) {
      asked.add(server);
      CompletableFuture<ProbeResult> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }
  }

  final ManualTicker ticker = new ManualTicker();
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  final LoadTracker tracker = LoadTracker.create(ticker);
  final ScriptedProber prober = new ScriptedProber();

  PrequalStrategy.PrequalPicker latest;

  /** Prequal over {@code pool}, the pickers it builds kept in {@link #latest}. */
  Selector selector(ServerPool pool, PrequalConfig.Builder config) {
    Strategy prequal = Strategies.prequal(config.scheduler(scheduler).build());
    Strategy watched = (candidates, previous) -> {
      Picker p = prequal.newPicker(candidates, previous);
      latest = (PrequalStrategy.PrequalPicker) p;
      return p;
    };
    return Fixtures.selector(watched, pool, tracker, 7);
  }

  Selector selector(List<Server> servers, PrequalConfig.Builder config) {
    return selector(ServerPool.of(servers), config);
  }

  /** The pool of the current picker. */
  ProbePool pool(Selector selector) {
    return latest.pool;
  }

  /** Answers the probes of {@code servers} directly, as if each had arrived now. */
  void answer(Selector selector, List<Server> servers, int[] rif, long[] latencyMs) {
    for (int i = 0; i < rif.length; i++) {
      pool(selector).accept(servers.get(i), new ProbeResult(rif[i], latencyMs[i] * MS));
    }
  }

  @Test
  void anExplanationNamesTheNextPickFromThePoolAndFromTheFallback() {
    List<Server> servers = Fixtures.servers(6);
    Selector selector = selector(servers, PrequalConfig.builder(prober).probesPerPick(1));
    int fromPool = 0;
    for (int k = 0; k < 400; k++) {
      if (k % 5 == 0) { // the probe task runs; its probes are answered at once
        scheduler.advance(INTERVAL);
        for (int p = 0; p < prober.pending.size(); p++) {
          int i = servers.indexOf(prober.asked.get(p));
          prober.pending.get(p).complete(new ProbeResult((i * 7 + k) % 4, (5 + 3L * i) * MS));
        }
        prober.asked.clear();
        prober.pending.clear();
      }
      Request request = k % 7 == 0 ? Request.NONE.excluding(servers.get(k % 6)) : Request.NONE;
      Explanation e = selector.explain(request);
      boolean poolPicks = pool(selector).peek(request) != null;
      Server picked = selector.choose(request);
      assertThat(e.isExact()).isTrue();
      assertThat(e.chosen()).as("pick %d: %s", k, e).isEqualTo(picked);
      fromPool += poolPicks ? 1 : 0;
    }
    assertThat(fromPool).as("picks made from probes").isGreaterThan(200);
  }

  @Test
  void itsFallbackHearsWhatItsSelectorsTellAStrategy() {
    List<String> heard = new ArrayList<>();
    Strategy fallback = new Strategy() {
      @Override
      public Picker newPicker(io.lbkit.spi.Candidates candidates, Picker previous) {
        return Strategies.roundRobin().newPicker(candidates, previous);
      }

      @Override
      public void addChangeListener(Runnable listener) {
        heard.add("add");
      }

      @Override
      public void removeChangeListener(Runnable listener) {
        heard.add("remove");
      }

      @Override
      public void onLoadReport() {
        heard.add("report");
      }

      @Override
      public boolean usesRamp() {
        return false;
      }
    };
    Strategy prequal = Strategies.prequal(
        PrequalConfig.builder(prober).scheduler(scheduler).fallback(fallback).build());
    Selector selector = Fixtures.selector(prequal, ServerPool.of(Fixtures.servers(2)), tracker, 7);
    prequal.onLoadReport();
    selector.close();

    assertThat(heard).containsExactly("add", "report", "remove");
    assertThat(prequal.usesRamp()).isFalse();
  }

  @Test
  void removingAListenerItNeverAddedKeepsProbing() {
    Strategy prequal = Strategies.prequal(PrequalConfig.builder(prober).scheduler(scheduler)
        .probesPerPick(1).build());
    Selector selector = Fixtures.selector(prequal, ServerPool.of(Fixtures.servers(3)), tracker, 7);
    prequal.removeChangeListener(() -> {});
    selector.choose();
    scheduler.advance(INTERVAL);

    assertThat(prober.asked).hasSize(1);
    selector.close();
  }

  @Test
  void picksByPeakEwmaUntilProbesArriveThenByProbedLatency() {
    List<Server> servers = Fixtures.servers(2);
    Selector selector = selector(servers, PrequalConfig.builder(prober));
    for (int k = 0; k < 5; k++) {
      tracker.onStart(servers.get(0)); // the client's own view: s0 busy
    }
    for (int k = 0; k < 50; k++) {
      assertThat(selector.choose()).isEqualTo(servers.get(1)); // fallback: peak EWMA
    }

    answer(selector, servers, new int[] {0, 0}, new long[] {1, 5});

    assertThat(selector.choose()).isEqualTo(servers.get(0)); // probes: s0 idle and faster
  }

  @Test
  void coldProbeOfLowestLatencyWinsAndIsUsedAtMostMaxUsesTimes() {
    List<Server> servers = Fixtures.servers(4);
    Selector selector = selector(servers, PrequalConfig.builder(prober).maxUses(4));
    // Q(0.84) of {0, 1, 2, 10}, interpolated at position 3 x 0.84 = 2.52: 2 + 0.52 x 8 = 6.16.
    // The first three are cold, the 1 ms one at RIF 10 hot.
    answer(selector, servers, new int[] {0, 1, 2, 10}, new long[] {50, 5, 20, 1});
    assertThat(pool(selector).hotRif()).isEqualTo(6);

    List<Server> picks = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      picks.add(selector.choose());
    }

    // s1 (5 ms) four times, then its probe is used up and s2 (20 ms) is the fastest cold one
    assertThat(picks).containsExactly(servers.get(1), servers.get(1), servers.get(1),
        servers.get(1), servers.get(2));
    assertThat(pool(selector).entryOf(servers.get(1))).isNull();
  }

  @Test
  void eachUseAddsOneToTheProbesRif() {
    List<Server> servers = Fixtures.servers(2);
    Selector selector = selector(servers, PrequalConfig.builder(prober).maxUses(100));
    answer(selector, servers, new int[] {0, 0}, new long[] {1, 2});
    assertThat(pool(selector).hotRif()).isZero(); // every RIF the same: all cold

    assertThat(selector.choose()).isEqualTo(servers.get(0)); // the faster
    // s0 now counts RIF 1; Q of {1, 0} is 0.84: s1 is the only cold probe
    assertThat(selector.choose()).isEqualTo(servers.get(1));
    assertThat(pool(selector).entryOf(servers.get(0)).uses).isEqualTo(1);
  }

  @Test
  void theFastestProbeAtOrBelowTheQuantileWins() {
    List<Server> servers = Fixtures.servers(8);
    Selector selector = selector(servers, PrequalConfig.builder(prober).maxUses(1));
    // RIFs 3..10: Q(0.84) at position 7 x 0.84 = 5.88, between 8 and 9: 8.88; the RIF 8 is the
    // fastest cold one
    answer(selector, servers, new int[] {3, 4, 5, 6, 7, 8, 9, 10},
        new long[] {40, 35, 30, 25, 20, 15, 10, 5});

    assertThat(selector.choose()).isEqualTo(servers.get(5));
  }

  @Test
  void tiedRifsAreNotSplitIntoHotAndCold() {
    List<Server> servers = Fixtures.servers(5);
    Selector selector = selector(servers, PrequalConfig.builder(prober));
    // {1, 3, 3, 3, 3}: Q = 3, all cold, so the fastest wins though its RIF is not the lowest
    answer(selector, servers, new int[] {1, 3, 3, 3, 3}, new long[] {50, 1, 2, 3, 4});

    assertThat(selector.choose()).isEqualTo(servers.get(1));
  }

  @Test
  void theQuantileFollowsTheUsesOfEachPick() {
    List<Server> servers = Fixtures.servers(5);
    Selector selector = selector(servers, PrequalConfig.builder(prober).maxUses(100));
    // A slow server with few calls beside four fast ones at the same RIF: as the fast ones are
    // used their RIFs rise, and the quantile with them, so the slow one never becomes the only
    // cold probe (as it would against a threshold fixed when the answers arrived).
    answer(selector, servers, new int[] {3, 3, 3, 3, 2}, new long[] {10, 11, 12, 13, 200});
    List<Server> picks = new ArrayList<>();
    for (int k = 0; k < 12; k++) {
      picks.add(selector.choose());
    }

    assertThat(picks).doesNotContain(servers.get(4));
  }

  @Test
  void largerHotTailsAreJudgedPerPickToo() {
    List<Server> servers = Fixtures.servers(20);
    Selector selector = selector(servers, PrequalConfig.builder(prober).poolSize(32));
    int[] rif = new int[20];
    long[] latency = new long[20];
    for (int i = 0; i < 20; i++) {
      rif[i] = i;
      latency[i] = 40 - i; // the busier, the faster: only the quantile keeps the busiest out
    }
    answer(selector, servers, rif, latency);
    // 20 probes: position 19 x 0.84 = 15.96, five from the top: 15.96, so RIF 15 is cold
    assertThat(pool(selector).hotRif()).isEqualTo(15);

    assertThat(selector.choose()).isEqualTo(servers.get(15));
    // s15 now counts 16, which makes 16 the fifth highest RIF: the RIF 16 probe is cold now,
    // and faster (a threshold kept from the last answer, 15, would have sent this pick to s14)
    assertThat(selector.choose()).isEqualTo(servers.get(16));
  }

  /**
   * The pick against the rule written out plainly (sort the usable compensated RIFs, interpolate
   * the quantile, take the fastest at or below it, ties to the earlier answer), over random pools
   * of 2 to 24 probes, random reuse budgets and some requests with exclusions: the counting
   * pick, its shortcut over the four fastest and the path for exclusions all agree with it.
   */
  @Test
  void picksFollowTheHotColdRuleWrittenOutPlainly() {
    java.util.Random random = new java.util.Random(17);
    for (int round = 0; round < 300; round++) {
      int size = 2 + random.nextInt(23);
      int maxUses = 1 + random.nextInt(6);
      List<Server> servers = Fixtures.servers(size);
      Selector selector = selector(servers,
          PrequalConfig.builder(prober).poolSize(32).maxUses(maxUses));
      int[] rif = new int[size];
      long[] latency = new long[size];
      for (int i = 0; i < size; i++) {
        rif[i] = random.nextInt(8);
        latency[i] = 1 + random.nextInt(size); // ties happen
      }
      answer(selector, servers, rif, latency);
      ProbePool pool = pool(selector);
      int[] uses = new int[size];
      for (int k = 0; k < 3 * size; k++) {
        Request request = random.nextInt(5) == 0
            ? Request.NONE.excluding(servers.get(random.nextInt(size))) : Request.NONE;
        Server expected = plainRule(servers, rif, latency, uses, maxUses, request);
        Server got = pool.choose(request);

        assertThat(got).as("round %d pick %d", round, k).isEqualTo(expected);
        if (got != null) {
          uses[servers.indexOf(got)]++;
        }
      }
      selector.close();
    }
  }

  private static Server plainRule(List<Server> servers, int[] rif, long[] latency, int[] uses,
      int maxUses, Request request) {
    List<Integer> usable = new ArrayList<>();
    for (int i = 0; i < servers.size(); i++) {
      if (uses[i] < maxUses && !request.excludes(servers.get(i))) {
        usable.add(i);
      }
    }
    if (usable.size() < PrequalConfig.DEFAULT_MIN_PROBES) {
      return null;
    }
    int[] sorted = usable.stream().mapToInt(i -> rif[i] + uses[i]).sorted().toArray();
    double h = (sorted.length - 1) * PrequalConfig.DEFAULT_HOT_QUANTILE;
    int lo = (int) h;
    int hi = Math.min(lo + 1, sorted.length - 1);
    int q = (int) Math.floor(sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]));
    int best = -1;
    for (int i : usable) { // answer order: the earlier of equal latencies wins
      if (rif[i] + uses[i] <= q && (best < 0 || latency[i] < latency[best])) {
        best = i;
      }
    }
    return servers.get(best);
  }

  @Test
  void racingPicksUseAProbeExactlyMaxUsesTimes() throws Exception {
    List<Server> servers = Fixtures.servers(16);
    Selector selector = selector(servers,
        PrequalConfig.builder(prober).maxUses(3).minProbes(1));
    long[] latency = new long[16];
    for (int i = 0; i < 16; i++) {
      latency[i] = 1 + i;
    }
    answer(selector, servers, new int[16], latency);
    ProbePool pool = pool(selector);
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
    java.util.concurrent.atomic.AtomicInteger fromPool =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Throwable> error =
        new java.util.concurrent.atomic.AtomicReference<>();
    Runnable picks = () -> {
      try {
        start.await();
        for (int k = 0; k < 1_000; k++) { // 4 x 1000 picks for 16 x 3 uses: most fall back
          if (pool.choose(Request.NONE) != null) {
            fromPool.incrementAndGet();
          }
        }
      } catch (Throwable t) {
        error.compareAndSet(null, t);
      }
    };
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(picks);
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join(60_000);
      assertThat(t.isAlive()).isFalse();
    }

    assertThat(error.get()).isNull();
    assertThat(fromPool.get()).isEqualTo(16 * 3);
    assertThat(pool.usable()).isZero();
  }

  @Test
  void anExplanationDescribesTheFallbackOnlyWhenTheFallbackPicks() {
    List<Server> servers = Fixtures.servers(3);
    Selector selector = selector(servers, PrequalConfig.builder(prober));
    assertThat(String.join("\n", selector.explain(Request.NONE).notes()))
        .contains("0 usable probes, below 2: the fallback (peakEwma");

    answer(selector, servers, new int[] {0, 0, 9}, new long[] {4, 2, 1});
    io.lbkit.Explanation e = selector.explain(Request.NONE);

    assertThat(String.join("\n", e.notes()))
        .contains("prequal: 3 usable probes; cold when at least 2 of them match or exceed")
        .doesNotContain("fallback");
    assertThat(e.entry(servers.get(2)).score()).contains("RIF 9 + 0 uses").endsWith("hot");
    assertThat(e.entry(servers.get(1)).score()).endsWith("cold");
    // the only other probe excluded: one usable, below minProbes, so the fallback would pick
    assertThat(String.join("\n", selector.explain(
            Request.NONE.excluding(servers.get(0)).excluding(servers.get(1))).notes()))
        .contains("1 usable probes, below 2: the fallback");
  }

  @Test
  void probesInProportionToPicksToDistinctRandomServers() {
    List<Server> servers = Fixtures.servers(20);
    Selector selector = selector(servers, PrequalConfig.builder(prober).probesPerPick(1.5));
    for (int k = 0; k < 6; k++) {
      selector.choose();
    }
    scheduler.advance(INTERVAL);
    assertThat(prober.asked).hasSize(9); // 6 picks x 1.5
    assertThat(new HashSet<>(prober.asked)).hasSize(9);

    selector.choose(); // 1.5 more: one probe now, the half carried
    scheduler.advance(INTERVAL);
    assertThat(prober.asked).hasSize(10);
    scheduler.advance(INTERVAL); // no picks: no probes
    assertThat(prober.asked).hasSize(10);
    selector.choose();
    scheduler.advance(INTERVAL); // 0.5 + 1.5
    assertThat(prober.asked).hasSize(12);
  }

  @Test
  void answersFillThePoolAndExpireAfterMaxAge() {
    List<Server> servers = Fixtures.servers(3);
    Selector selector = selector(servers,
        PrequalConfig.builder(prober).probesPerPick(3).maxAge(Duration.ofMillis(20)));
    selector.choose();
    scheduler.advance(INTERVAL);
    assertThat(prober.asked).hasSize(3);
    for (int i = 0; i < 3; i++) {
      int s = servers.indexOf(prober.asked.get(i));
      prober.pending.get(i).complete(new ProbeResult(0, (s + 1) * MS));
    }
    assertThat(pool(selector).usable()).isEqualTo(3);

    scheduler.advance(Duration.ofMillis(20));

    assertThat(pool(selector).usable()).isZero();
  }

  @Test
  void neverMoreProbesInFlightThanAllowedAndFailuresFreeTheirPlace() {
    List<Server> servers = Fixtures.servers(10);
    Selector selector = selector(servers,
        PrequalConfig.builder(prober).maxProbesInFlight(3).probesPerPick(10));
    selector.choose();
    scheduler.advance(INTERVAL);
    assertThat(prober.asked).hasSize(3);
    prober.pending.get(0).completeExceptionally(new RuntimeException("connection refused"));
    selector.choose();
    scheduler.advance(INTERVAL);
    assertThat(prober.asked).hasSize(4);
    assertThat(pool(selector).usable()).isZero();
  }

  @Test
  void aServerThatLeavesThePoolLosesItsProbeAndLateAnswersAreDropped() {
    List<Server> servers = Fixtures.servers(3);
    ServerPool serverPool = ServerPool.of(servers);
    Selector selector = selector(serverPool, PrequalConfig.builder(prober));
    answer(selector, servers, new int[] {0, 0, 0}, new long[] {1, 2, 3});
    ProbePool before = pool(selector);

    serverPool.remove(servers.get(0));
    before.accept(servers.get(0), new ProbeResult(0, MS)); // an answer still on its way

    assertThat(pool(selector)).isSameAs(before); // carried across the rebuild
    assertThat(before.entryOf(servers.get(0))).isNull();
    assertThat(before.usable()).isEqualTo(2);
    assertThat(selector.choose()).isEqualTo(servers.get(1));
  }

  @Test
  void excludedServersAreSkipped() {
    List<Server> servers = Fixtures.servers(3);
    Selector selector = selector(servers, PrequalConfig.builder(prober));
    answer(selector, servers, new int[] {0, 0, 0}, new long[] {1, 2, 3});

    assertThat(selector.choose(Request.NONE.excluding(servers.get(0))))
        .isEqualTo(servers.get(1));
  }

  @Test
  void aFullPoolLetsAFreshAnswerReplaceTheHottestProbe() {
    List<Server> servers = Fixtures.servers(9);
    Selector selector = selector(servers, PrequalConfig.builder(prober).poolSize(8));
    answer(selector, servers, new int[] {1, 1, 1, 1, 1, 1, 1, 30},
        new long[] {5, 5, 5, 5, 5, 5, 5, 5});

    pool(selector).accept(servers.get(8), new ProbeResult(0, 9 * MS));

    assertThat(pool(selector).entryOf(servers.get(7))).isNull();
    assertThat(pool(selector).entryOf(servers.get(8))).isNotNull();
  }

  @Test
  void theProbeTaskStopsWhenTheSchedulerRefuses() {
    List<Server> servers = Fixtures.servers(3);
    selector(servers, PrequalConfig.builder(prober));
    assertThat(scheduler.pending()).isEqualTo(1);
    scheduler.shutdown();

    scheduler.advance(INTERVAL);

    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void probingStopsOnceItsSelectorsClose() {
    Selector selector = Fixtures.selector(Strategies.prequal(
            PrequalConfig.builder(prober).scheduler(scheduler).build()),
        ServerPool.of(Fixtures.servers(3)), tracker, 7);
    selector.choose();
    scheduler.advance(INTERVAL);
    assertThat(prober.asked).hasSize(1);
    assertThat(scheduler.pending()).isEqualTo(1); // the next run

    selector.close();
    scheduler.advance(INTERVAL);

    assertThat(scheduler.pending()).isZero();
    assertThat(prober.asked).hasSize(1);
  }

  @Test
  void choosingFromThePoolAllocatesNothing() {
    List<Server> servers = Fixtures.servers(16);
    Selector selector = selector(servers, PrequalConfig.builder(prober).maxUses(1 << 30));
    int[] rif = new int[16];
    long[] latency = new long[16];
    for (int i = 0; i < 16; i++) {
      rif[i] = i % 4;
      latency[i] = 1 + i;
    }
    answer(selector, servers, rif, latency);
    long allocated = Fixtures.allocatedByPicks(selector, Request.NONE.excluding(servers.get(3)));

    assertThat(pool(selector).usable()).isEqualTo(16); // the pool answered, not the fallback
    assertThat(allocated).isLessThan(1024);
  }

  @Test
  void picksRacingAnswersAndRemovalsAlwaysReturnACandidate() throws Exception {
    List<Server> servers = Fixtures.servers(20);
    Selector selector = selector(servers, PrequalConfig.builder(prober).poolSize(8).maxUses(2));
    ProbePool pool = pool(selector);
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger bad = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Throwable> error =
        new java.util.concurrent.atomic.AtomicReference<>();
    Runnable picker = () -> {
      try {
        start.await();
        Request tried = Request.NONE.excluding(servers.get(0));
        for (int k = 0; k < 50_000; k++) {
          Server s = selector.choose(k % 2 == 0 ? Request.NONE : tried);
          if (s == null || !servers.contains(s) || k % 2 == 1 && s.equals(servers.get(0))) {
            bad.incrementAndGet();
          }
        }
      } catch (Throwable t) {
        error.compareAndSet(null, t);
      }
    };
    Runnable answers = () -> { // answers with extreme figures, and removals through use-up
      try {
        start.await();
        for (int k = 0; k < 50_000; k++) {
          int rif = k % 3 == 0 ? Integer.MAX_VALUE : k % 7;
          long latency = k % 5 == 0 ? Long.MAX_VALUE : k % 11;
          pool.accept(servers.get(k % 20), new ProbeResult(rif, latency));
        }
      } catch (Throwable t) {
        error.compareAndSet(null, t);
      }
    };
    Thread[] threads = {new Thread(picker), new Thread(picker), new Thread(answers)};
    for (Thread t : threads) {
      t.start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join(60_000);
      assertThat(t.isAlive()).isFalse();
    }

    assertThat(error.get()).isNull();
    assertThat(bad.get()).isZero();
  }

  @Test
  void invalidSettingsAreRefusedWithTheirNameAndValue() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PrequalConfig.builder(prober).hotQuantile(1.5))
        .hasMessageContaining("hotQuantile: 1.5 (expected: in (0, 1])");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PrequalConfig.builder(prober).poolSize(4).minProbes(5).build())
        .hasMessageContaining("minProbes: 5 (expected: <= poolSize 4)");
  }
}
