package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lbkit.Attempt;
import io.lbkit.Explanation;
import io.lbkit.Explanation.Entry;
import io.lbkit.Explanation.Status;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code LoadBalancer.explain} names why each server is out, in every health state, and its pick
 * is the balancer's next pick through the failover's tiers.
 */
class ExplainHealthTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final List<Server> servers = Fixtures.servers(6);
  private final ServerPool pool = ServerPool.of(servers);

  private LoadBalancer lb(HealthConfig health, Failover failover, ServerPool p) {
    return LoadBalancer.builder(p).strategy(Strategies.random()).health(health)
        .failover(failover).ticker(ticker).scheduler(scheduler).executor(Runnable::run)
        .rebuildExecutor(Runnable::run).random(RandomSource.seeded(11)).build();
  }

  private static void calls(LoadBalancer lb, Server s, int failures, int successes) {
    for (int i = 0; i < failures; i++) {
      lb.tracker().onFailure(s, lb.tracker().onStart(s), new IOException("reset"));
    }
    for (int i = 0; i < successes; i++) {
      lb.tracker().onSuccess(s, lb.tracker().onStart(s));
    }
  }

  @Test
  void everyEjectionReasonIsNamedWithItsTimeLeft() {
    Ejector policy = new Ejector(HealthConfig.defaults(), RandomSource.seeded(1));
    for (EjectionReason why : EjectionReason.values()) {
      ServerHealth h = new ServerHealth(servers.get(0), null, 10_000_000_000L, 0L);
      h.eject(why, 0L, policy);
      assertThat(h.explain(5_000_000_000L, null))
          .isEqualTo("ejected (" + why + ", ejection x1) for 25.0 s more");
    }
    ServerHealth checked = new ServerHealth(servers.get(0), null, 10_000_000_000L, 0L);
    for (int i = 0; i < 3; i++) {
      checked.checkFailed(3);
    }
    assertThat(checked.explain(0L, null)).isEqualTo(
        "ejected (ACTIVE_CHECK): 3 active checks failed in a row, out until they pass");
  }

  @Test
  void namesEjectedDrainingDrainedOpenHalfOpenRampingAndDeparted() {
    CircuitBreakerConfig breaker = CircuitBreakerConfig.custom().slidingWindowSize(10)
        .minimumNumberOfCalls(10).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(60)).permittedNumberOfCallsInHalfOpenState(2)
        .build();
    HealthConfig health = HealthConfig.builder().circuitBreaker(breaker)
        .slowStart(SlowStart.over(Duration.ofSeconds(30))).panic(Panic.below(50)).build();
    try (LoadBalancer lb = lb(health, Failover.failFast(), pool)) {
      Server ejected = servers.get(0);
      Server open = servers.get(1);
      Server drained = servers.get(2);
      calls(lb, ejected, 5, 0); // five in a row: ejected for 30 s
      for (int i = 0; i < 5; i++) {
        calls(lb, open, 1, 1); // 50% of 10, never 5 in a row: the breaker opens, no ejection
      }
      Attempt inFlight = lb.begin(Request.NONE.excluding(ejected).excluding(open)
          .excluding(servers.get(3)).excluding(servers.get(4)).excluding(servers.get(5)));
      assertThat(inFlight.server()).isEqualTo(drained);
      pool.drain(drained);

      Explanation e = lb.explain(Request.NONE.excluding(servers.get(3)));
      assertThat(e.entry(ejected).status()).isEqualTo(Status.UNAVAILABLE);
      assertThat(e.entry(ejected).reason())
          .isEqualTo("ejected (CONSECUTIVE_FAILURES, ejection x1) for 30.0 s more");
      assertThat(e.entry(open).reason()).isEqualTo("circuit breaker OPEN, half-open in 60.0 s");
      assertThat(e.entry(drained).reason())
          .isEqualTo("draining: weight 0, calls in flight: 1");
      assertThat(e.entry(servers.get(3)).status()).isEqualTo(Status.EXCLUDED_BY_REQUEST);
      assertThat(e.notes()).contains("no panic: 3 of 5 servers available, panic below 50.0%");
      assertThat(e.chosen()).isIn(servers.get(4), servers.get(5));
      assertThat(lb.choose(Request.NONE.excluding(servers.get(3)))).isEqualTo(e.chosen());
      inFlight.success();
      assertThat(lb.explain(Request.NONE).entry(drained).reason()).isEqualTo("drained (weight 0)");

      scheduler.advance(Duration.ofSeconds(30)); // the ejection ends: the server ramps up
      scheduler.advance(Duration.ofSeconds(3));
      Entry ramping = lb.explain(Request.NONE).entry(ejected);
      assertThat(ramping.status()).isIn(Status.CANDIDATE, Status.CHOSEN);
      assertThat(ramping.health()).startsWith("slow start: ramp 0.1");
      assertThat(ramping.ramp()).isBetween(0.1, 0.11);

      scheduler.advance(Duration.ofSeconds(28)); // past the breaker's 60 s wait: half-open
      Entry halfOpen = lb.explain(Request.NONE).entry(open);
      assertThat(halfOpen.status()).isIn(Status.CANDIDATE, Status.CHOSEN);
      assertThat(halfOpen.health()).isEqualTo("circuit breaker HALF_OPEN: admits only its 2 probe"
          + " calls (0 ended); once they are taken, begin() chooses again without it");

      calls(lb, servers.get(5), 5, 0); // ejected, then gone from the pool: departed
      pool.remove(servers.get(5));
      Explanation departed = lb.explain(Request.NONE);
      assertThat(departed.entry(servers.get(5))).isNull();
      assertThat(departed.notes()).contains("departed 10.0.0.6:8080: left the pool; kept for the"
          + " grace period, should it return: ejection (CONSECUTIVE_FAILURES, 30.0 s left)");
    }
  }

  @Test
  void panicIsNotedAndItsEjectedCandidatesSayWhy() {
    HealthConfig health = HealthConfig.builder().noCircuitBreaker().panic(Panic.below(50))
        .ejection(EjectionLimits.builder().maxPercent(100).build()).build();
    try (LoadBalancer lb = lb(health, Failover.failFast(), pool)) {
      for (int i = 0; i < 4; i++) {
        calls(lb, servers.get(i), 5, 0);
      }
      Explanation e = lb.explain(Request.NONE);
      assertThat(e.notes()).contains("panic: 2 of 6 servers available, panic below 50.0%;"
          + " choosing among every server whose breaker is not open");
      Entry out = e.entry(servers.get(0));
      assertThat(out.status()).isIn(Status.CANDIDATE, Status.CHOSEN);
      assertThat(out.health()).startsWith("ejected (CONSECUTIVE_FAILURES");
      assertThat(lb.choose()).isEqualTo(e.chosen());
    }
  }

  @Test
  void primaryBackupNamesTheOtherTierAndAgreesWithChoose() {
    List<Server> tiers = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      tiers.add(Server.builder("10.0.0." + i, 80).priority(0).build());
    }
    for (int i = 1; i <= 3; i++) {
      tiers.add(Server.builder("10.0.1." + i, 80).priority(1).build());
    }
    HealthConfig health = HealthConfig.builder()
        .ejection(EjectionLimits.builder().maxPercent(100).build()).build();
    try (LoadBalancer lb = lb(health, Failover.primaryBackup(), ServerPool.of(tiers))) {
      Explanation all = lb.explain(Request.NONE);
      assertThat(all.entry(tiers.get(5)).status()).isEqualTo(Status.LEFT_OUT);
      assertThat(all.entry(tiers.get(5)).reason())
          .isEqualTo("another tier (priority 1); this pick goes to priority 0");
      calls(lb, tiers.get(0), 5, 0);
      calls(lb, tiers.get(1), 5, 0); // 2 of 4 primaries up: 70% / 30%, drawn per pick
      int backups = 0;
      for (int k = 0; k < 300; k++) {
        Request r = k % 4 == 0 ? Request.NONE.excluding(tiers.get(2)) : Request.NONE;
        Explanation e = lb.explain(r);
        Server s = lb.choose(r);
        assertThat(e.chosen()).as("pick %d: %s", k, e).isEqualTo(s);
        assertThat(e.isExact()).isTrue();
        backups += s.priority();
      }
      assertThat(backups).isBetween(60, 120);
      assertThat(lb.explain(Request.NONE).notes())
          .contains("tier shares: priority 0 70.0% priority 1 30.0%");
    }
  }

  @Test
  void readWriteSendsWritesToPrimariesAndNamesTheReplicas() {
    List<Server> rw = List.of(Server.builder("10.0.0.1", 80).priority(0).build(),
        Server.builder("10.0.0.2", 80).priority(1).build(),
        Server.builder("10.0.0.3", 80).priority(1).build());
    try (LoadBalancer lb = lb(HealthConfig.defaults(), Failover.readWrite(), ServerPool.of(rw))) {
      Request write = Request.builder().write(true).build();
      Explanation w = lb.explain(write);
      assertThat(w.chosen()).isEqualTo(rw.get(0));
      assertThat(w.entry(rw.get(1)).reason())
          .isEqualTo("a replica: a write goes to a primary (priority 0)");
      for (int k = 0; k < 50; k++) {
        Explanation read = lb.explain(Request.NONE);
        assertThat(read.entry(rw.get(0)).status()).isEqualTo(Status.LEFT_OUT);
        assertThat(lb.choose()).isEqualTo(read.chosen());
      }
    }
  }
}
