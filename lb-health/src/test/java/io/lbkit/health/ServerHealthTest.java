package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.spi.ServerMetrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-server state machine alone: every transition and what it reports. */
class ServerHealthTest {
  private static final long S = 1_000_000_000L;
  private final Server server = Server.of("10.0.0.1", 80);
  private final ServerHealth h = new ServerHealth(server, null, 10 * S, 0L);
  private final Ejector policy = new Ejector(HealthConfig.defaults(), RandomSource.seeded(1));
  private final SlowStart ramp = SlowStart.defaults();

  @Test
  void aSuccessEndsTheFailureStreak() {
    assertThat(h.failed()).isEqualTo(1);
    assertThat(h.failed()).isEqualTo(2);
    h.succeeded();
    assertThat(h.failed()).isEqualTo(1);
  }

  @Test
  void ejectionLastsUntilExactlyItsEndThenRestoresWithARamp() {
    assertThat(h.eject(EjectionReason.CONSECUTIVE_FAILURES, 0L, policy))
        .isEqualTo(ServerHealth.Change.EJECTED);
    assertThat(h.isUp(30 * S - 1)).isFalse();
    assertThat(h.isUp(30 * S)).isTrue(); // availability reads the clock: exact without a tick
    assertThat(h.eject(EjectionReason.LATENCY, 1L, policy)).isEqualTo(ServerHealth.Change.NONE);
    assertThat(h.endEjectionIfDue(30 * S - 1, ramp)).isEqualTo(ServerHealth.Change.NONE);
    assertThat(h.endEjectionIfDue(31 * S, ramp)).isEqualTo(ServerHealth.Change.RESTORED);
    // the ramp starts at the ejection's end (30 s), not at the tick that noticed it (31 s)
    assertThat(h.rampFactor(45 * S, ramp)).isCloseTo(0.5, org.assertj.core.data.Offset
        .offset(1e-12));
  }

  @Test
  void aStreakEjectionResetsTheStreak() {
    h.failed();
    h.failed();
    h.eject(EjectionReason.CONSECUTIVE_FAILURES, 0L, policy);
    assertThat(h.failed()).isEqualTo(1);
  }

  @Test
  void aHealthyIntervalLowersTheNextEjectionByOneStep() {
    h.eject(EjectionReason.SUCCESS_RATE, 0L, policy); // k = 1, until 30 s
    h.endEjectionIfDue(30 * S, ramp);
    h.eject(EjectionReason.SUCCESS_RATE, 40 * S, policy); // k = 2: 60 s, until 100 s
    assertThat(h.ejectedUntil()).isEqualTo(100 * S);
    h.endEjectionIfDue(100 * S, ramp);
    h.intervalPassed(110 * S, 100 * S); // out since 100 s, the previous evaluation: healthy
    assertThat(h.multiplier()).isEqualTo(1);
    h.intervalPassed(115 * S, 110 * S);
    assertThat(h.multiplier()).isZero();
    h.eject(EjectionReason.SUCCESS_RATE, 120 * S, policy);
    assertThat(h.ejectedUntil()).isEqualTo(150 * S); // back to the base time
  }

  @Test
  void theEvaluationThatSeesAServerRestoredDoesNotCountInItsFavour() {
    h.eject(EjectionReason.SUCCESS_RATE, 0L, policy); // until 30 s
    h.endEjectionIfDue(30 * S, ramp);
    h.intervalPassed(30 * S, 20 * S); // its ejection ended after the previous evaluation
    assertThat(h.multiplier()).isEqualTo(1);
  }

  @Test
  void failThreeChecksToGoOutAndPassTwoToComeBack() {
    assertThat(h.checkFailed(3)).isEqualTo(ServerHealth.Change.NONE);
    assertThat(h.checkFailed(3)).isEqualTo(ServerHealth.Change.NONE);
    assertThat(h.checkFailed(3)).isEqualTo(ServerHealth.Change.EJECTED);
    assertThat(h.isUp(0L)).isFalse();
    assertThat(h.checkFailed(3)).isEqualTo(ServerHealth.Change.NONE); // out already
    assertThat(h.checkPassed(2, 0L, ramp)).isEqualTo(ServerHealth.Change.NONE);
    assertThat(h.checkPassed(2, 0L, ramp)).isEqualTo(ServerHealth.Change.RESTORED);
    assertThat(h.isUp(0L)).isTrue();
    assertThat(h.isRamping()).isTrue();
  }

  @Test
  void aFailedCheckInBetweenStartsTheRiseAgain() {
    for (int i = 0; i < 3; i++) {
      h.checkFailed(3);
    }
    h.checkPassed(2, 0L, ramp);
    h.checkFailed(3);
    assertThat(h.checkPassed(2, 0L, ramp)).isEqualTo(ServerHealth.Change.NONE);
    assertThat(h.checkPassed(2, 0L, ramp)).isEqualTo(ServerHealth.Change.RESTORED);
  }

  @Test
  void passingChecksEndAPassiveEjectionEarly() {
    h.eject(EjectionReason.CONSECUTIVE_FAILURES, 0L, policy);
    h.checkPassed(2, 5 * S, ramp);
    assertThat(h.checkPassed(2, 6 * S, ramp)).isEqualTo(ServerHealth.Change.RESTORED);
    assertThat(h.isUp(6 * S)).isTrue();
  }

  @Test
  void anEjectionEndingWhileChecksFailKeepsTheServerOut() {
    h.eject(EjectionReason.CONSECUTIVE_FAILURES, 0L, policy);
    for (int i = 0; i < 3; i++) {
      h.checkFailed(3);
    }
    assertThat(h.endEjectionIfDue(30 * S, ramp)).isEqualTo(ServerHealth.Change.CHANGED);
    assertThat(h.isUp(30 * S)).isFalse();
  }

  @Test
  void aBreakerOpeningIsDatedAndItsCloseAfterProbesRamps() {
    CircuitBreaker b = CircuitBreaker.ofDefaults("x");
    ServerHealth withBreaker = new ServerHealth(server, b, 10 * S, 0L);
    assertThat(withBreaker.breakerMoved(CircuitBreaker.State.OPEN, 7L, ramp, n -> 100L * n))
        .isEqualTo(ServerHealth.Change.CHANGED);
    assertThat(withBreaker.breakerOpenedAt).isEqualTo(7L);
    assertThat(withBreaker.breakerHalfOpenAt).isEqualTo(100L); // first opening in a row
    withBreaker.breakerMoved(CircuitBreaker.State.HALF_OPEN, 200L, ramp, n -> 100L * n);
    withBreaker.breakerMoved(CircuitBreaker.State.OPEN, 300L, ramp, n -> 100L * n);
    assertThat(withBreaker.breakerHalfOpenAt).isEqualTo(200L); // second opening in a row
    withBreaker.breakerMoved(CircuitBreaker.State.HALF_OPEN, 400L, ramp, n -> 100L * n);
    assertThat(withBreaker.isRamping()).isFalse();
    withBreaker.breakerMoved(CircuitBreaker.State.CLOSED, 500L, ramp, n -> 100L * n);
    assertThat(withBreaker.isRamping()).isTrue();
    assertThat(withBreaker.breakerMoved(CircuitBreaker.State.CLOSED, 600L, ramp, n -> 1L))
        .isEqualTo(ServerHealth.Change.NONE);
  }

  @Test
  void drainIsSeenOnceAndReportedOnceNothingIsInFlight() {
    Server drained = Server.builder("10.0.0.1", 80).weight(0).build();
    assertThat(h.weightSeen(drained)).isFalse();
    assertThat(h.isDraining()).isTrue();
    assertThat(h.drainCompleted(1)).isFalse();
    assertThat(h.drainCompleted(0)).isTrue();
    assertThat(h.drainCompleted(0)).isFalse(); // once per drain
    assertThat(h.weightSeen(server)).isTrue(); // weight back: ramp up
    assertThat(h.isDraining()).isFalse();
  }

  @Test
  void anIntervalSampleIsTheDifferenceOfTheCumulativeLoadFigures() {
    ServerMetrics m = new ServerMetrics(server.id(), 0L, 10 * S);
    for (int i = 0; i < 10; i++) {
      m.onStart();
      m.onComplete(5, i < 3, 0L);
    }
    Ejector.Sample first = h.takeInterval(m);
    assertThat(first.requests).isEqualTo(10);
    assertThat(first.failures).isEqualTo(7);
    assertThat(first.latencyNanos).isEqualTo(50);
    assertThat(h.takeInterval(m)).isNull(); // nothing since
    m.onStart();
    m.onComplete(9, false, 0L);
    Ejector.Sample second = h.takeInterval(m);
    assertThat(second.requests).isEqualTo(1);
    assertThat(second.failures).isEqualTo(1);
    assertThat(second.latencyNanos).isEqualTo(9);
    assertThat(Duration.ofNanos(second.latencyNanos)).isEqualTo(Duration.ofNanos(9));
  }
}
