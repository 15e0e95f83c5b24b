package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.LoadTracker;
import io.lbkit.testing.ManualTicker;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeakEwmaStrategyTest {
  private static final long MS = 1_000_000L;

  /** Sequential calls in virtual time: each pick's call takes its server's latency. */
  static final class Sim {
    final List<Server> servers = Fixtures.servers(5);
    final ManualTicker ticker = new ManualTicker();
    final LoadTracker tracker = LoadTracker.create(ticker);
    final Selector selector;
    final long[] latency = {10 * MS, 10 * MS, 10 * MS, 10 * MS, 10 * MS};
    long lastSlowEnd = -1;

    Sim(long seed) {
      selector = Fixtures.selector(Strategies.peakEwma(), ServerPool.of(servers), tracker, seed);
    }

    /** Runs one call; returns the index of the server chosen. */
    int step() {
      Server s = selector.choose();
      int i = servers.indexOf(s);
      long t0 = tracker.onStart(s);
      ticker.advanceNanos(latency[i]);
      tracker.onSuccess(s, t0);
      if (latency[i] > 10 * MS) {
        lastSlowEnd = ticker.read();
      }
      return i;
    }

    int count(int server, int picks) {
      int n = 0;
      for (int k = 0; k < picks; k++) {
        n += step() == server ? 1 : 0;
      }
      return n;
    }
  }

  @Test
  void shareOfServerWhoseLatencyJumpsTenfoldFallsBelowFivePercent() {
    Sim sim = new Sim(41);
    assertThat(sim.count(0, 2000)).isBetween(300, 500); // about a fifth while all are equal
    sim.latency[0] = 100 * MS;
    int picksUntilSlowSeen = 0;
    while (sim.step() != 0) {
      picksUntilSlowSeen++;
    }
    // One slow response is enough: the EWMA jumps to the 100 ms peak at once.
    assertThat(picksUntilSlowSeen).isLessThan(50);
    int share = sim.count(0, 1000);
    assertThat(share).isLessThan(50); // < 5% of the next 1000 picks
    assertThat(share).isZero(); // in fact none: 10 s of virtual time is not enough decay
  }

  @Test
  void afterRecoveryTheServerIsTriedAgainWhenItsPeakHasDecayedToTheOthersLatency() {
    Sim sim = new Sim(42);
    sim.count(0, 2000);
    sim.latency[0] = 100 * MS;
    while (sim.step() != 0) {
      // until the slow response is seen
    }
    long slowSeenAt = sim.lastSlowEnd;
    sim.latency[0] = 10 * MS; // recovered, but nothing tells the balancer until it tries it
    while (sim.step() != 0) {
      // until the server is tried again
    }
    double waitedSeconds = (sim.ticker.read() - 10 * MS - slowSeenAt) / 1e9;
    // 100 ms x exp(-t / 10 s) reaches the others' 10 ms at t = 10 s x ln 10 = 23.03 s.
    assertThat(waitedSeconds).isBetween(22.9, 23.3);
    // Then its EWMA blends the 10 ms answers in. Each retry comes when the stored cost c has
    // decayed to the others' 10 ms, i.e. c w = 10 with w = exp(-gap / tau), and the update gives
    // c' = c w + 10 (1 - w) = 20 - 100 / c: the excess e = c - 10 shrinks as e' = e / (1 + e/10),
    // so e_n ~ 10/n ms and the n-th gap ~ tau x e_n / 10 ~ tau / n. The share therefore climbs
    // slowly at first and reaches the fair fifth once tau / n is one pick's 50 ms (n ~ 200).
    int[] windows = new int[10];
    for (int w = 0; w < windows.length; w++) {
      windows[w] = sim.count(0, 1000); // 1000 picks = 10 s of virtual time
    }
    assertThat(windows[0]).isLessThan(50); // still below 5% in the first 10 s after the retry
    assertThat(windows[0] + windows[1] + windows[2]).isLessThan(windows[5]);
    for (int w = 7; w < windows.length; w++) {
      assertThat(windows[w]).as("window %d", w).isBetween(150, 250); // back to about a fifth
    }
  }

  @Test
  void comparisonWithoutAClockReadAgreesWithDecayedCostsAtAnyNow() {
    ManualTicker ticker = new ManualTicker();
    LoadTracker tracker = LoadTracker.create(ticker);
    List<Server> servers = Fixtures.servers(3);
    PeakEwmaStrategy.PeakEwmaPicker picker = (PeakEwmaStrategy.PeakEwmaPicker)
        Strategies.peakEwma().newPicker(Fixtures.candidates(servers, tracker, 43), null);
    var a = tracker.metrics(servers.get(0));
    var b = tracker.metrics(servers.get(1));
    var fresh = tracker.metrics(servers.get(2));
    warm(a, 40 * MS, ticker.read()); // 40 ms, then 5 s older than b's 20 ms
    ticker.advance(Duration.ofSeconds(5));
    warm(b, 20 * MS, ticker.read());
    // At any later now: a = 40 e^(-(5+d)/10), b = 20 e^(-d/10); a/b = 2 e^(-0.5) = 1.21 > 1.
    ticker.advance(Duration.ofSeconds(30));
    assertThat(picker.compare(a, b)).isPositive();
    assertThat(a.ewmaLatencyNanos(ticker.read())).isGreaterThan(b.ewmaLatencyNanos(ticker.read()));
    // One more call in flight on b: 1.21 < 2, a now costs less.
    b.onStart();
    assertThat(picker.compare(a, b)).isNegative();
    // Against a server without data, assumed no slower than b (min(10 ms default, b's 1.0 ms)):
    // b's extra call in flight decides.
    assertThat(picker.compare(fresh, b)).isNegative();
    assertThat(picker.compare(fresh, fresh)).isZero();
  }

  @Test
  void aServerWarmingUpIsAssumedNoSlowerThanTheOneItIsComparedWith() {
    ManualTicker ticker = new ManualTicker();
    LoadTracker tracker = LoadTracker.create(ticker);
    List<Server> servers = Fixtures.servers(3);
    PeakEwmaStrategy.PeakEwmaPicker picker = (PeakEwmaStrategy.PeakEwmaPicker)
        Strategies.peakEwma().newPicker(Fixtures.candidates(servers, tracker, 46), null);
    var fast = tracker.metrics(servers.get(0));
    var slow = tracker.metrics(servers.get(1));
    var cold = tracker.metrics(servers.get(2));
    warm(fast, 1 * MS, ticker.read());
    warm(slow, 300 * MS, ticker.read());
    cold.observeLatency(500 * MS, ticker.read()); // a slow first call: a JIT warming up

    // against the fast one, in-flight calls decide: a tie, then the one with fewer calls
    assertThat(picker.compare(cold, fast)).isZero();
    fast.onStart();
    assertThat(picker.compare(cold, fast)).isNegative();
    // never judged slower than the other: against 300 ms, 500 ms counts as 300 ms, a tie
    assertThat(picker.compare(cold, slow)).isZero();
    // and its own figure counts where it is the lower: 5 ms with 3 calls in flight (20 ms)
    // beats 300 ms idle
    var quick = new io.lbkit.spi.ServerMetrics("quick", ticker.read(), 10_000_000_000L);
    quick.observeLatency(5 * MS, ticker.read());
    for (int i = 0; i < 3; i++) {
      quick.onStart();
    }
    assertThat(picker.compare(quick, slow)).isNegative();
    // warm after ten samples, of which the first weighs 2^-9: 1 ms calls bring it to ~2 ms
    for (int i = 1; i < io.lbkit.spi.ServerMetrics.WARM_UP_SAMPLES; i++) {
      cold.observeLatency(1 * MS, ticker.read());
    }
    assertThat(cold.isWarm()).isTrue();
    assertThat(cold.ewmaLatencyNanos(ticker.read())).isLessThan(2.0 * MS);
    assertThat(picker.compare(cold, slow)).isNegative();
  }

  /** Ten samples of one latency at one time: warm, with that latency. */
  private static void warm(io.lbkit.spi.ServerMetrics m, long latencyNanos, long atNanos) {
    for (int i = 0; i < io.lbkit.spi.ServerMetrics.WARM_UP_SAMPLES; i++) {
      m.observeLatency(latencyNanos, atNanos);
    }
  }

  @Test
  void clockFreeComparisonMatchesDecayedCostsForRandomStates() {
    java.util.Random random = new java.util.Random(44);
    ManualTicker ticker = new ManualTicker();
    LoadTracker tracker = LoadTracker.create(ticker);
    List<Server> servers = Fixtures.servers(2);
    PeakEwmaStrategy.PeakEwmaPicker picker = (PeakEwmaStrategy.PeakEwmaPicker)
        Strategies.peakEwma().newPicker(Fixtures.candidates(servers, tracker, 45), null);
    int checked = 0;
    for (int k = 0; k < 2000; k++) {
      long t0 = ticker.read();
      var a = new io.lbkit.spi.ServerMetrics("a", t0, 10_000_000_000L);
      var b = new io.lbkit.spi.ServerMetrics("b", t0, 10_000_000_000L);
      int spreadMs = k % 2 == 0 ? 30_000 : 100; // far apart (exp) or close (bounds decide)
      long sa = t0 + random.nextInt(spreadMs) * MS;
      long sb = t0 + random.nextInt(spreadMs) * MS;
      warm(a, random.nextInt(200) * MS, sa);
      warm(b, random.nextInt(200) * MS, sb);
      for (int i = random.nextInt(4); i > 0; i--) {
        a.onStart();
      }
      for (int i = random.nextInt(4); i > 0; i--) {
        b.onStart();
      }
      long now = Math.max(sa, sb) + random.nextInt(5_000) * MS;
      double ca = a.ewmaLatencyNanos(now) * (a.inFlight() + 1);
      double cb = b.ewmaLatencyNanos(now) * (b.inFlight() + 1);
      if (Math.abs(ca - cb) <= 1e-9 * Math.max(ca, cb)) {
        continue; // a tie within rounding: either answer is right
      }
      assertThat(Integer.signum(picker.compare(a, b))).as("case %d", k)
          .isEqualTo(ca < cb ? -1 : 1);
      checked++;
    }
    assertThat(checked).isGreaterThan(1900);
  }

  @Test
  void defaultRttIsConfigurableAndValidated() {
    assertThat(Strategies.peakEwma(Duration.ofMillis(5)).toString())
        .isEqualTo("peakEwma(defaultRtt=PT0.005S)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Strategies.peakEwma(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultRtt: PT0S (expected: > 0)");
  }
}
