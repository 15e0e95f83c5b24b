package io.lbkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lbkit.spi.Candidates;
import io.lbkit.spi.ServerMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadTrackerTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(); // lb-testing depends on lb-core, so no ManualTicker here
  private final Ticker ticker = now::get;
  private final LoadTracker tracker = LoadTracker.create(ticker, Duration.ofSeconds(10));
  private final Server a = Server.of("a", 1);
  private final Server b = Server.of("b", 1);

  @Test
  void recordsInFlightRequestsFailuresAndLatency() {
    long t1 = tracker.onStart(a);
    long t2 = tracker.onStart(a);
    assertThat(tracker.stats(a).inFlight()).isEqualTo(2);
    now.addAndGet(20 * MS);
    tracker.onSuccess(a, t1);
    now.addAndGet(20 * MS);
    tracker.onFailure(a, t2, new RuntimeException("boom"));
    ServerStats s = tracker.stats(a);
    assertThat(s.inFlight()).isZero();
    assertThat(s.requests()).isEqualTo(2);
    assertThat(s.failures()).isEqualTo(1);
    assertThat(s.failureRate()).isEqualTo(0.5);
    assertThat(s.averageLatencyNanos()).isEqualTo(30.0 * MS);
    // 2 completions over the 40 ms since the server was first seen.
    assertThat(s.throughputPerSecond()).isCloseTo(50.0, within(1e-9));
  }

  @Test
  void cancelReleasesInFlightWithoutCountingAnOutcome() {
    long t = tracker.onStart(a);
    tracker.onCancel(a, t);
    tracker.onCancel(a, t); // one end too many never drives the count below zero
    ServerStats s = tracker.stats(a);
    assertThat(s.inFlight()).isZero();
    assertThat(s.requests()).isZero();
  }

  @Test
  void ewmaJumpsToAPeakAtOnceAndDecaysWithTheTimeConstant() {
    for (int i = 0; i < ServerMetrics.WARM_UP_SAMPLES; i++) {
      observe(a, 10 * MS); // warm: ten samples
    }
    assertThat(tracker.stats(a).ewmaLatencyNanos()).isEqualTo(10.0 * MS);
    observe(a, 100 * MS); // a peak is taken at once
    assertThat(tracker.stats(a).ewmaLatencyNanos()).isEqualTo(100.0 * MS);
    now.addAndGet(Duration.ofSeconds(10).toNanos()); // one time constant later: e^-1 of the peak
    assertThat(tracker.stats(a).ewmaLatencyNanos()).isCloseTo(100.0 * MS * Math.exp(-1), within(1.0));
  }

  @Test
  void warmingUpTheFirstSamplesAreAveragedWithoutPeaks() {
    observe(a, 500 * MS); // a slow first call: a JIT warming up
    assertThat(tracker.stats(a).ewmaLatencyNanos()).isEqualTo(500.0 * MS);
    for (int i = 1; i < ServerMetrics.WARM_UP_SAMPLES; i++) {
      observe(a, 10 * MS); // each halves the distance to 10 ms: no peak is kept
    }
    // 10 + 490 / 2^9 ms, and warm from now on
    assertThat(tracker.stats(a).ewmaLatencyNanos())
        .isCloseTo((10.0 + 490.0 / 512) * MS, within(1.0));
    ServerMetrics m = tracker.metrics(a);
    assertThat(m.isWarm()).isTrue();
    observe(a, 100 * MS); // warm: a peak is taken at once again
    assertThat(tracker.stats(a).ewmaLatencyNanos()).isEqualTo(100.0 * MS);
  }

  @Test
  void candidatesLeaveOutDrainedServersAndSayWhyWhenEmpty() {
    Server drained = Server.builder("d", 1).weight(0).build();
    ServerPool pool = ServerPool.of(a, drained);
    Candidates c = tracker.candidates(pool.snapshot(), RandomSource.seeded(1));
    assertThat(c.servers()).containsExactly(a);
    Candidates none = tracker.candidates(ServerPool.of(drained).snapshot(), RandomSource.seeded(1));
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.reasonIfEmpty()).isEqualTo(NoServerAvailableException.Reason.ALL_DRAINED);
    Candidates empty = tracker.candidates(ServerPool.empty().snapshot(), RandomSource.seeded(1));
    assertThat(empty.reasonIfEmpty()).isEqualTo(NoServerAvailableException.Reason.EMPTY_POOL);
  }

  @Test
  void drainedServerReportsDrainingUntilItsCallsEnd() {
    Server drained = a.toBuilder().weight(0).build();
    long t = tracker.onStart(a);
    assertThat(tracker.stats(drained).state()).isEqualTo(ServerState.DRAINING);
    tracker.onSuccess(a, t);
    assertThat(tracker.stats(drained).state()).isEqualTo(ServerState.DRAINED);
  }

  @Test
  void stateOfRemovedServersIsDroppedOnceIdle() {
    ServerPool pool = ServerPool.of(a, b);
    tracker.candidates(pool.snapshot(), RandomSource.seeded(1));
    long t = tracker.onStart(b);
    pool.update(List.of(a));
    tracker.candidates(pool.snapshot(), RandomSource.seeded(1));
    assertThat(tracker.stateSize()).isEqualTo(2); // b still has a call in flight
    tracker.onSuccess(b, t);
    tracker.candidates(pool.snapshot(), RandomSource.seeded(1));
    assertThat(tracker.stateSize()).isEqualTo(1);
  }

  @Test
  void completeAtAReadingTakenByTheCallerRecordsItWithoutReadingTheClock() {
    AtomicLong reads = new AtomicLong();
    LoadTracker timing = new LoadTracker(() -> {
      reads.incrementAndGet();
      return now.get();
    }, Duration.ofSeconds(10)) {
      @Override
      public void onSuccess(Server server, long startNanos, Permit permit) {
        complete(server, startNanos, true, startNanos + 7 * MS); // as a breaker-timing subclass
      }
    };
    long t = timing.onStart(a);
    long readsAtStart = reads.get();
    timing.onSuccess(a, t);
    assertThat(reads.get()).isEqualTo(readsAtStart);
    ServerMetrics m = timing.metrics(a);
    assertThat(m.inFlight()).isZero();
    assertThat(m.requests()).isEqualTo(1);
    assertThat(m.latencySumNanos()).isEqualTo(7 * MS);
  }

  @Test
  void rejectsBadConfiguration() {
    assertThatThrownBy(() -> LoadTracker.create(ticker, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ewmaDecay: PT0S (expected: > 0)");
    assertThatThrownBy(() -> LoadTracker.create(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ticker: null (expected: non-null)");
  }

  private void observe(Server s, long latency) {
    long t = tracker.onStart(s);
    now.addAndGet(latency);
    tracker.onSuccess(s, t);
  }
}
