package io.lbkit.health;

import static io.lbkit.health.Fixtures.fail;
import static io.lbkit.health.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConsecutiveFailureEjectionTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<Server> servers = Fixtures.servers(3);
  private final ServerPool pool = ServerPool.of(servers);
  private final Server a = servers.get(0);
  private final List<Duration> ejections = new ArrayList<>();
  private HealthMonitor monitor;

  private HealthMonitor monitor(HealthConfig.Builder b) {
    monitor = Fixtures.monitor(pool, b.build(), ticker, new HealthListener() {
      @Override
      public void onEjected(Server s, EjectionReason r, Duration d) {
        ejections.add(d);
      }
    });
    return monitor;
  }

  @AfterEach
  void close() {
    monitor.close();
  }

  @Test
  void ejectsOnFifthConsecutiveFailureNotFourth() {
    HealthMonitor m = monitor(Fixtures.manual());
    fail(m, a, 4);
    assertThat(m.isAvailable(a)).isTrue();
    assertThat(m.stats(a).state()).isEqualTo(ServerState.HEALTHY);
    fail(m, a, 1);
    assertThat(m.isAvailable(a)).isFalse();
    assertThat(m.stats(a).state()).isEqualTo(ServerState.EJECTED);
    assertThat(ejections).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void inAPoolOfThreeAStreakRefusedByTheEjectionLimitEjectsOnceTheLimitAllows() {
    // Breakers off, so only the streak rule acts; 10% of 3 allows one ejection at a time.
    HealthMonitor m = monitor(Fixtures.manual().noCircuitBreaker().noSlowStart());
    Server b = servers.get(1);
    fail(m, a, 5);
    assertThat(m.isAvailable(a)).isFalse();
    fail(m, b, 5); // refused: a is out, and a second ejection would exceed the limit
    assertThat(m.isAvailable(b)).isTrue();
    ticker.advance(Duration.ofSeconds(30)); // a's ejection ends
    m.tick();
    assertThat(m.isAvailable(a)).isTrue();
    fail(m, b, 1); // the same streak goes on: asked again, and now allowed
    assertThat(m.isAvailable(b)).isFalse();
    assertThat(ejections).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30));
  }

  @Test
  void aListenerThrowingAnErrorDoesNotStopTheEjection() {
    monitor = Fixtures.monitor(pool, Fixtures.manual().build(), ticker, new HealthListener() {
      @Override
      public void onEjected(Server s, EjectionReason r, Duration d) {
        throw new AssertionError("listener bug");
      }
    });
    Selector selector = Selector.builder(pool).strategy(Strategies.roundRobin()).tracker(monitor)
        .random(RandomSource.seeded(3)).build();
    fail(monitor, a, 5);
    for (int i = 0; i < 300; i++) {
      assertThat(selector.choose()).isNotEqualTo(a);
    }
    selector.close();
  }

  @Test
  void aSuccessResetsTheConsecutiveCount() {
    HealthMonitor m = monitor(Fixtures.manual());
    fail(m, a, 4);
    succeed(m, a, 1);
    fail(m, a, 4);
    assertThat(m.isAvailable(a)).isTrue();
    fail(m, a, 1);
    assertThat(m.isAvailable(a)).isFalse();
  }

  @Test
  void stillEjectedOneMillisecondBeforeTheEndAndAvailableExactlyAtIt() {
    HealthMonitor m = monitor(Fixtures.manual().noSlowStart());
    Selector selector = Selector.builder(pool).strategy(Strategies.random()).tracker(m)
        .random(RandomSource.seeded(1)).build();
    fail(m, a, 5);
    assertThat(chosen(selector)).doesNotContain(a);

    ticker.advance(Duration.ofSeconds(30).minusMillis(1));
    m.tick();
    assertThat(m.isAvailable(a)).isFalse();
    assertThat(chosen(selector)).doesNotContain(a);

    ticker.advance(Duration.ofMillis(1));
    assertThat(m.isAvailable(a)).isTrue(); // exact even before the tick publishes it
    m.tick();
    assertThat(chosen(selector)).contains(a);
    assertThat(m.stats(a).state()).isEqualTo(ServerState.HEALTHY);
  }

  @Test
  void ejectionTimesGrowBy30SecondsAndAreCappedAt300() {
    HealthMonitor m = monitor(Fixtures.manual());
    for (int k = 1; k <= 12; k++) {
      fail(m, a, 5);
      Duration d = ejections.get(ejections.size() - 1);
      ticker.advance(d);
      m.tick();
      assertThat(m.isAvailable(a)).isTrue();
    }
    assertThat(ejections).extracting(Duration::getSeconds)
        .containsExactly(30L, 60L, 90L, 120L, 150L, 180L, 210L, 240L, 270L, 300L, 300L, 300L);
  }

  @Test
  void ejectionTimeFallsByOneStepPerHealthyInterval() {
    // A 1 h interval: no evaluation runs by itself, only the ones the test forces.
    HealthMonitor m = monitor(Fixtures.manual().interval(Duration.ofHours(1)));
    for (int k = 1; k <= 3; k++) {
      fail(m, a, 5);
      ticker.advance(ejections.get(ejections.size() - 1));
      m.tick();
    }
    assertThat(ejections).extracting(Duration::getSeconds).containsExactly(30L, 60L, 90L);
    ticker.advance(Duration.ofSeconds(10));
    m.runIntervalNow(); // this interval saw the ejection end: not healthy, multiplier stays 3
    ticker.advance(Duration.ofSeconds(10));
    m.runIntervalNow(); // healthy: 3 -> 2
    fail(m, a, 5); // 2 -> 3: 90 s
    assertThat(ejections.get(3).getSeconds()).isEqualTo(90L);

    ticker.advance(ejections.get(3));
    m.tick();
    for (int i = 0; i < 5; i++) { // one unhealthy, then 3 -> 2 -> 1 -> 0 -> 0
      ticker.advance(Duration.ofSeconds(10));
      m.runIntervalNow();
    }
    fail(m, a, 5);
    assertThat(ejections.get(4).getSeconds()).isEqualTo(30L);
  }

  @Test
  void ejectionTimeDecaysWithTheRegularIntervals() {
    HealthMonitor m = monitor(Fixtures.manual()); // interval 10 s
    for (int k = 1; k <= 4; k++) { // 30, 60, 90, 120 s: multiplier 4
      fail(m, a, 5);
      ticker.advance(ejections.get(ejections.size() - 1));
      m.tick();
    }
    // The evaluation that ran with the restoring tick (t = 300 s) saw the ejection; the three
    // regular ones after it (310, 320, 330 s) were healthy: 4 -> 1, so the next is the 2nd step.
    for (int i = 0; i < 3; i++) {
      ticker.advance(Duration.ofSeconds(10));
      m.tick();
    }
    fail(m, a, 5);
    assertThat(ejections.get(4).getSeconds()).isEqualTo(60L);
  }

  @Test
  void jitterAddsUpToItsAmountToEachEjection() {
    HealthMonitor m = monitor(Fixtures.manual()
        .ejection(EjectionLimits.builder().jitter(Duration.ofSeconds(10)).build()));
    for (int k = 0; k < 20; k++) {
      fail(m, a, 5);
      ticker.advance(ejections.get(ejections.size() - 1));
      m.tick();
      for (int i = 0; i < 40; i++) { // healthy intervals: back to the first step
        ticker.advance(Duration.ofSeconds(10));
        m.tick();
      }
    }
    assertThat(ejections).allSatisfy(d -> assertThat(d)
        .isBetween(Duration.ofSeconds(30), Duration.ofSeconds(40)));
    assertThat(new HashSet<>(ejections)).hasSizeGreaterThan(10);
  }

  @Test
  void listenerThatThrowsDoesNotStopTheEjection() {
    HealthMonitor m = monitor(Fixtures.manual());
    m.addListener(new HealthListener() {
      @Override
      public void onEjected(Server s, EjectionReason r, Duration d) {
        throw new IllegalStateException("listener bug");
      }
    });
    fail(m, a, 5);
    assertThat(m.isAvailable(a)).isFalse();
    assertThat(ejections).hasSize(1);
  }

  private static Set<Server> chosen(Selector selector) {
    Set<Server> seen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      seen.add(selector.choose());
    }
    return seen;
  }
}
