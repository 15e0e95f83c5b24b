package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import io.lbkit.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Active checks on a deterministic scheduler: one check per 2 s interval, no jitter. */
class ActiveCheckTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final List<Server> servers = Fixtures.servers(2);
  private final ServerPool pool = ServerPool.of(servers);
  private final Server a = servers.get(0);
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final AtomicInteger checksOfA = new AtomicInteger();
  private final List<Throwable> failures = new ArrayList<>();
  private final List<String> transitions = new ArrayList<>();
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    monitor.close();
  }

  private HealthMonitor monitor(HealthCheck check) {
    HealthConfig config = HealthConfig.builder()
        .activeChecks(ActiveChecks.builder(check)
            .interval(Duration.ofSeconds(2))
            .timeout(Duration.ofSeconds(1))
            .jitter(Duration.ZERO)
            .build())
        .noSlowStart()
        .build();
    monitor = HealthMonitor.builder(pool).config(config).ticker(ticker)
        .random(RandomSource.seeded(7)).scheduler(scheduler)
        .listener(new HealthListener() {
          @Override
          public void onCheckFailed(Server s, Throwable cause) {
            if (s.equals(a)) {
              failures.add(cause);
            }
          }

          @Override
          public void onEjected(Server s, EjectionReason r, Duration d) {
            transitions.add("ejected " + s.id() + " " + r);
          }

          @Override
          public void onRestored(Server s) {
            transitions.add("restored " + s.id());
          }
        })
        .build();
    return monitor;
  }

  private HealthCheck flagCheck() {
    return s -> {
      if (s.equals(a)) {
        checksOfA.incrementAndGet();
        return CompletableFuture.completedFuture(healthy.get());
      }
      return CompletableFuture.completedFuture(true);
    };
  }

  /** One check interval passes; every check due runs. */
  private void interval() {
    ticker.advance(Duration.ofSeconds(2));
    scheduler.runDue();
  }

  @Test
  void fallAndRiseThresholdsAreExact() {
    monitor(flagCheck());
    interval();
    assertThat(checksOfA).hasValue(1);
    healthy.set(false);
    interval();
    interval();
    assertThat(monitor.isAvailable(a)).isTrue(); // 2 failed checks: fall is 3
    interval();
    assertThat(monitor.isAvailable(a)).isFalse(); // the 3rd
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.EJECTED);
    assertThat(failures).hasSize(3).containsOnlyNulls(); // answered "unhealthy", no error
    healthy.set(true);
    interval();
    assertThat(monitor.isAvailable(a)).isFalse(); // 1 pass: rise is 2
    interval();
    assertThat(monitor.isAvailable(a)).isTrue(); // the 2nd
    assertThat(transitions).containsExactly("ejected " + a.id() + " ACTIVE_CHECK",
        "restored " + a.id());
    assertThat(checksOfA).hasValue(6);
  }

  @Test
  void aFailedCheckBetweenPassesRestartsTheRiseCount() {
    monitor(flagCheck());
    healthy.set(false);
    for (int i = 0; i < 4; i++) {
      interval();
    }
    assertThat(monitor.isAvailable(a)).isFalse();
    healthy.set(true);
    interval();
    healthy.set(false);
    interval();
    healthy.set(true);
    interval();
    assertThat(monitor.isAvailable(a)).isFalse();
    interval();
    assertThat(monitor.isAvailable(a)).isTrue();
  }

  @Test
  void hangingCheckTimesOutAsAFailureAndTheCheckerGoesOn() {
    monitor(s -> {
      if (s.equals(a)) {
        checksOfA.incrementAndGet();
        return new CompletableFuture<>(); // never completes
      }
      return CompletableFuture.completedFuture(true);
    });
    interval(); // the first check of a starts and hangs
    assertThat(checksOfA).hasValue(1);
    assertThat(failures).isEmpty();
    ticker.advance(Duration.ofSeconds(1)); // its timeout
    scheduler.runDue();
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0)).isInstanceOf(TimeoutException.class);
    for (int i = 0; i < 3; i++) {
      interval();
      ticker.advance(Duration.ofSeconds(1));
      scheduler.runDue();
    }
    assertThat(checksOfA).hasValue(4);
    assertThat(failures).hasSize(4);
    assertThat(monitor.isAvailable(a)).isFalse();
  }

  @Test
  void throwingCheckIsCountedAsAFailureAndNeverStopsTheChecker() {
    IllegalStateException bug = new IllegalStateException("check bug");
    monitor(s -> {
      if (s.equals(a)) {
        checksOfA.incrementAndGet();
        throw bug;
      }
      return CompletableFuture.completedFuture(true);
    });
    for (int i = 0; i < 5; i++) {
      interval();
    }
    assertThat(checksOfA).hasValue(5);
    assertThat(failures).hasSize(5).containsOnly(bug);
    assertThat(monitor.isAvailable(a)).isFalse();
    assertThat(monitor.isAvailable(servers.get(1))).isTrue();
  }

  @Test
  void failedStageCountsAsAFailedCheck() {
    RuntimeException refused = new RuntimeException("connection refused");
    monitor(s -> s.equals(a) ? CompletableFuture.failedFuture(refused)
        : CompletableFuture.completedFuture(true));
    interval();
    assertThat(failures).containsExactly(refused);
  }

  @Test
  void passingChecksRestoreAPassivelyEjectedServerBeforeItsTimeEnds() {
    monitor(flagCheck());
    Fixtures.fail(monitor, a, 5);
    assertThat(monitor.isAvailable(a)).isFalse();
    interval();
    assertThat(monitor.isAvailable(a)).isFalse(); // 1 pass since the ejection
    interval();
    assertThat(monitor.isAvailable(a)).isTrue(); // 2 passes, at 4 s of a 30 s ejection
    assertThat(transitions).containsExactly("ejected " + a.id() + " CONSECUTIVE_FAILURES",
        "restored " + a.id());
  }

  @Test
  void serverFailingItsChecksStaysOutWhenItsEjectionEnds() {
    monitor(flagCheck());
    Fixtures.fail(monitor, a, 5);
    healthy.set(false);
    for (int i = 0; i < 15; i++) { // 30 s
      interval();
    }
    monitor.tick();
    assertThat(monitor.isAvailable(a)).isFalse();
    healthy.set(true);
    interval();
    interval();
    assertThat(monitor.isAvailable(a)).isTrue();
  }

  @Test
  void removedServerIsNoLongerChecked() {
    monitor(flagCheck());
    interval();
    assertThat(checksOfA).hasValue(1);
    pool.remove(a);
    interval();
    interval();
    assertThat(checksOfA).hasValue(1);
  }

  @Test
  void firstChecksOfManyServersAreSpreadOverTheInterval() {
    List<Server> many = Fixtures.servers(20);
    pool.update(many);
    java.util.Map<Server, Long> firstCheck = new java.util.concurrent.ConcurrentHashMap<>();
    monitor(s -> {
      firstCheck.putIfAbsent(s, ticker.read());
      return CompletableFuture.completedFuture(true);
    });
    for (int ms = 0; ms < 2000; ms++) {
      ticker.advance(Duration.ofMillis(1));
      scheduler.runDue();
    }
    assertThat(firstCheck).hasSize(20);
    assertThat(firstCheck.values()).allSatisfy(t -> assertThat(t)
        .isLessThanOrEqualTo(Duration.ofSeconds(2).toNanos()));
    assertThat(new java.util.HashSet<>(firstCheck.values())).hasSizeGreaterThan(15);
  }

  @Test
  void closeCancelsEveryScheduledCheck() {
    monitor(flagCheck());
    interval();
    assertThat(scheduler.pending()).isPositive();
    monitor.close();
    assertThat(scheduler.pending()).isZero();
    interval();
    assertThat(checksOfA).hasValue(1);
  }
}
