package io.lbkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadReporterTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  final AtomicLong clock = new AtomicLong(1_000 * S);

  LoadReporter reporter(int capacity) {
    return LoadReporter.builder().clock(clock::get).capacity(capacity)
        .window(Duration.ofSeconds(10)).build();
  }

  void advance(long nanos) {
    clock.addAndGet(nanos);
  }

  @Test
  void countsCallsInFlightAndTheirArrivalRif() {
    LoadReporter r = reporter(4);
    LoadReporter.Call a = r.begin();
    LoadReporter.Call b = r.begin();
    assertThat(r.inFlight()).isEqualTo(2);
    assertThat(a.arrivalRif()).isZero();
    assertThat(b.arrivalRif()).isEqualTo(1);

    a.end(false);
    a.end(false); // only the first end counts

    assertThat(r.inFlight()).isEqualTo(1);
  }

  @Test
  void ratesInTheFirstWindowAreCountsOverTheElapsedTime() {
    LoadReporter r = reporter(4);
    for (int k = 0; k < 20; k++) {
      LoadReporter.Call c = r.begin();
      advance(100 * MS);
      c.end(k % 4 == 0); // 5 of 20 fail
    }
    // 20 calls and 5 errors in 2 s, one slot of four busy all along
    assertThat(r.requestsPerSecond()).isEqualTo(10.0);
    assertThat(r.errorsPerSecond()).isEqualTo(2.5);
    assertThat(r.utilization()).isEqualTo(0.25);
  }

  @Test
  void theWindowSlidesByBlendingThePreviousOne() {
    LoadReporter r = reporter(1);
    for (int k = 0; k < 100; k++) { // 10 s at 10 calls/s, the slot half busy
      LoadReporter.Call c = r.begin();
      advance(50 * MS);
      c.end(false);
      advance(50 * MS);
    }
    advance(5 * S); // half-way into an idle window: half the previous window still counts

    assertThat(r.requestsPerSecond()).isEqualTo(5.0);
    assertThat(r.utilization()).isEqualTo(0.25);

    advance(20 * S); // two idle windows
    assertThat(r.requestsPerSecond()).isZero();
    assertThat(r.utilization()).isZero();
  }

  @Test
  void utilizationCountsAtMostCapacityBusySlots() {
    LoadReporter r = reporter(2);
    LoadReporter.Call[] calls = new LoadReporter.Call[5];
    for (int k = 0; k < 5; k++) {
      calls[k] = r.begin();
    }
    advance(S);
    assertThat(r.utilization()).isEqualTo(1.0); // 5 in flight on 2 slots: fully busy, not 2.5
  }

  @Test
  void latencyIsEstimatedPerArrivalRifAndScaledToLoadsNotSeen() {
    LoadReporter r = reporter(2);
    LoadReporter.Call c = r.begin(); // arrives at RIF 0
    advance(10 * MS);
    c.end(false);
    assertThat(r.latencyNanosAt(0)).isEqualTo(10 * MS);
    assertThat(r.latencyNanosAt(1)).isEqualTo(10 * MS); // still within the 2 slots
    assertThat(r.latencyNanosAt(5)).isEqualTo(30 * MS); // (5 + 1) / 2 = 3 slot-times

    LoadReporter.Call[] calls = new LoadReporter.Call[4];
    for (int k = 0; k < 4; k++) {
      calls[k] = r.begin(); // RIFs 0..3
    }
    advance(40 * MS);
    calls[3].end(false); // arrived at RIF 3: 40 ms

    assertThat(r.latencyNanosAt(3)).isEqualTo(40 * MS);
    assertThat(r.latencyNanosAt(7)).isEqualTo(80 * MS); // from RIF 3, x (8 / 2) / (4 / 2)
  }

  @Test
  void theLatencyOfARifMovesAFifthOfTheWayToEachSample() {
    LoadReporter r = reporter(1);
    for (long ms : new long[] {10, 20}) {
      LoadReporter.Call c = r.begin();
      advance(ms * MS);
      c.end(false);
    }
    assertThat(r.latencyNanosAt(0)).isEqualTo(12 * MS);
  }

  @Test
  void beforeAnyCallEndsTheEstimateIsTheMeanAgeOfTheCallsInFlight() {
    LoadReporter r = reporter(1);
    r.begin();
    advance(30 * MS);
    r.begin();
    advance(10 * MS);

    assertThat(r.latencyNanosAt(2)).isEqualTo(25 * MS); // ages 40 and 10 ms
  }

  @Test
  void figuresOlderThanTheWindowAreForgotten() {
    LoadReporter r = reporter(1);
    LoadReporter.Call c = r.begin();
    advance(500 * MS);
    c.end(false);
    assertThat(r.latencyNanosAt(0)).isEqualTo(500 * MS);

    advance(10 * S); // a whole window without a call: unknown, so clients try it again

    assertThat(r.latencyNanosAt(0)).isZero();
  }

  @Test
  void headerIsOrcaTextWithPlainNumbers() {
    LoadReporter r = reporter(4);
    for (int k = 0; k < 20; k++) {
      LoadReporter.Call c = r.begin();
      advance(100 * MS);
      c.end(k == 0);
    }
    assertThat(r.headerValue())
        .isEqualTo("TEXT cpu_utilization=0.25, rps_fractional=10.0, eps=0.5");
    assertThat(LoadReporter.number(0.0001)).isEqualTo("0.0001");
    assertThat(LoadReporter.number(1.0 / 3)).isEqualTo("0.3333");
    assertThat(LoadReporter.number(Double.NaN)).isEqualTo("0.0");
  }

  @Test
  void aUtilizationSourceReplacesTheBusyShare() {
    LoadReporter r = LoadReporter.builder().clock(clock::get).utilization(() -> 0.3).build();
    assertThat(r.headerValue()).isEqualTo("TEXT cpu_utilization=0.3, rps_fractional=0.0, eps=0.0");
  }

  @Test
  void probeAnswerGivesTheRifAndItsLatency() {
    LoadReporter r = reporter(1);
    assertThat(r.probeAnswer()).isEqualTo("rif=0, latency_ms=0.0"); // nothing served yet
    LoadReporter.Call c = r.begin();
    advance(12_500_000L);
    c.end(false);
    r.begin();

    assertThat(r.probeAnswer()).isEqualTo("rif=1, latency_ms=25.0"); // 12.5 ms x 2 slot-times
  }

  @Test
  void badSettingsAreRefusedWithTheirValue() {
    assertThatThrownBy(() -> LoadReporter.builder().capacity(0))
        .hasMessage("capacity: 0 (expected: > 0)");
    assertThatThrownBy(() -> LoadReporter.builder().window(Duration.ZERO))
        .hasMessage("window: PT0S (expected: in [PT0.001S, PT1H])");
  }
}
