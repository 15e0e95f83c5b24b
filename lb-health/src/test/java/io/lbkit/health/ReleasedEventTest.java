package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** When the monitor tells its listeners that a departed server's state is gone. */
class ReleasedEventTest {
  private static final Duration GRACE = Duration.ofMinutes(5);

  private final ManualTicker ticker = new ManualTicker();
  private final List<Server> servers = Fixtures.servers(4);
  private final ServerPool pool = ServerPool.of(servers);
  private final List<String> released = new CopyOnWriteArrayList<>();
  private final HealthListener listener = new HealthListener() {
    @Override
    public void onReleased(Server server) {
      released.add(server.id());
    }
  };
  private final HealthMonitor monitor = Fixtures.monitor(pool,
      Fixtures.manual().stateGracePeriod(GRACE).ejection(Fixtures.maxPercent(100)).build(),
      ticker, listener);

  @Test
  void aServerThatLeftWithNothingToKeepIsReleasedAtOnce() {
    pool.remove(servers.get(0));
    assertThat(released).containsExactly(servers.get(0).id());
  }

  @Test
  void anEjectedServerIsReleasedOnlyOnceTheGracePeriodHasPassed() {
    Server s = servers.get(1);
    Fixtures.fail(monitor, s, ConsecutiveFailures.DEFAULT_THRESHOLD);
    assertThat(monitor.stats(s).state()).isEqualTo(io.lbkit.ServerState.EJECTED);
    pool.remove(s);
    assertThat(released).isEmpty();
    ticker.advance(GRACE.minusSeconds(1));
    monitor.tick();
    assertThat(released).isEmpty();
    ticker.advance(Duration.ofSeconds(1));
    monitor.tick();
    assertThat(released).containsExactly(s.id());
  }

  @Test
  void aServerBackWithinTheGracePeriodIsNotReleased() {
    Server s = servers.get(2);
    Fixtures.fail(monitor, s, ConsecutiveFailures.DEFAULT_THRESHOLD);
    pool.remove(s);
    ticker.advance(Duration.ofMinutes(1));
    pool.add(s);
    ticker.advance(GRACE.multipliedBy(2));
    monitor.tick();
    pool.update(servers); // a pool change cleans up too
    assertThat(released).isEmpty();
  }

  @Test
  void ejectionsAreCountedByReason() {
    Fixtures.fail(monitor, servers.get(0), ConsecutiveFailures.DEFAULT_THRESHOLD);
    Fixtures.fail(monitor, servers.get(1), ConsecutiveFailures.DEFAULT_THRESHOLD);
    assertThat(monitor.ejections(EjectionReason.CONSECUTIVE_FAILURES)).isEqualTo(2);
    assertThat(monitor.ejections(EjectionReason.SUCCESS_RATE)).isZero();
    assertThat(monitor.serverCount(io.lbkit.ServerState.EJECTED)).isEqualTo(2);
    assertThat(monitor.serverCount(io.lbkit.ServerState.HEALTHY)).isEqualTo(2);
    assertThat(monitor.serverCount(io.lbkit.ServerState.NOT_IN_POOL)).isZero();
  }
}
