package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.testing.ManualTicker;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PoolChurnTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<Server> servers = Fixtures.servers(5);
  private final ServerPool pool = ServerPool.of(servers);
  private final Server a = servers.get(0);
  private final List<Duration> ejections = new ArrayList<>();
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    monitor.close();
  }

  private void start(Duration grace) {
    monitor = Fixtures.monitor(pool, Fixtures.manual().stateGracePeriod(grace).build(), ticker,
        new HealthListener() {
          @Override
          public void onEjected(Server s, EjectionReason r, Duration d) {
            ejections.add(d);
          }
        });
  }

  @Test
  void serverRemovedWhileEjectedAndReaddedWithinGraceStaysEjected() {
    start(Duration.ofMinutes(5));
    Fixtures.fail(monitor, a, 5);
    pool.remove(a);
    ticker.advance(Duration.ofSeconds(10));
    monitor.tick();
    pool.add(a);
    assertThat(monitor.isAvailable(a)).isFalse();
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.EJECTED);
    ticker.advance(Duration.ofSeconds(20).minusNanos(1));
    assertThat(monitor.isAvailable(a)).isFalse();
    ticker.advanceNanos(1);
    monitor.tick();
    assertThat(monitor.isAvailable(a)).isTrue();
  }

  @Test
  void flappingServerKeepsItsEjectionHistory() {
    start(Duration.ofMinutes(5));
    Fixtures.fail(monitor, a, 5);
    ticker.advance(Duration.ofSeconds(30));
    monitor.tick();
    pool.remove(a);
    pool.add(a);
    Fixtures.fail(monitor, a, 5);
    assertThat(ejections).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  @Test
  void serverBackAfterTheGracePeriodStartsAfresh() {
    start(Duration.ofMinutes(1));
    Fixtures.fail(monitor, a, 5);
    pool.remove(a);
    ticker.advance(Duration.ofMinutes(1));
    monitor.tick();
    pool.add(a);
    assertThat(monitor.isAvailable(a)).isTrue();
    Fixtures.fail(monitor, a, 5);
    assertThat(ejections).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30));
  }

  @Test
  void stateEntriesEqualThePoolSizeAfterTheGracePeriod() {
    start(Duration.ofMinutes(1));
    assertThat(monitor.stateSize()).isEqualTo(5);
    pool.remove(servers.get(3));
    pool.remove(servers.get(4));
    assertThat(monitor.stateSize()).isEqualTo(3); // idle load figures go with their server
    ticker.advance(Duration.ofMinutes(1));
    monitor.tick();
    assertThat(monitor.stateSize()).isEqualTo(3);
    // Many servers churning through: still bounded by the pool once the grace has passed.
    for (int i = 0; i < 50; i++) {
      Server s = Server.of("10.9.0." + i, 80);
      pool.add(s);
      Fixtures.succeed(monitor, s, 1);
      pool.remove(s);
    }
    ticker.advance(Duration.ofMinutes(1));
    monitor.tick();
    assertThat(monitor.stateSize()).isEqualTo(pool.servers().size()).isEqualTo(3);
  }

  @Test
  void stateOfAServerWithACallInFlightOutlivesTheGraceUntilTheCallEnds() {
    start(Duration.ofMinutes(1));
    Server e = servers.get(4);
    long t = monitor.onStart(e);
    pool.remove(e);
    ticker.advance(Duration.ofMinutes(2));
    monitor.tick();
    assertThat(monitor.stateSize()).isEqualTo(5);
    monitor.onSuccess(e, t);
    monitor.tick();
    assertThat(monitor.stateSize()).isEqualTo(4);
  }
}
