package io.lbkit.strategy;

import static io.lbkit.strategy.HashFixtures.candidates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerLoad;
import io.lbkit.spi.ServerMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ZoneAwareStrategyTest {
  private final Strategy zoneAware = Strategies.zoneAware("eu-1", Strategies.roundRobin());

  /** 7 servers in eu-1 (indexes 0..6), 5 in eu-2 (7..11). */
  private static ServerPool pool() {
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      servers.add(Server.builder("10.2.0." + (i + 1), 8080).zone(i < 7 ? "eu-1" : "eu-2").build());
    }
    return ServerPool.of(servers);
  }

  private static Set<String> zonesPicked(Picker picker, int picks) {
    Set<String> zones = new HashSet<>();
    for (int i = 0; i < picks; i++) {
      zones.add(picker.pick(Request.NONE).zone());
    }
    return zones;
  }

  @Test
  void usesOnlyTheLocalZoneWhileAllOfItIsUp() {
    Candidates all = candidates(pool());
    Picker picker = zoneAware.newPicker(all, null);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 70; i++) {
      Server s = picker.pick(Request.NONE);
      assertThat(s.zone()).isEqualTo("eu-1");
      ids.add(s.id());
    }
    assertThat(ids).hasSize(7);
  }

  @Test
  void staysLocalWithFiveOfSevenAndSpillsWithFour() {
    Candidates all = candidates(pool());
    // 5 x 1.4 = 7 >= 7 members: still local.
    Picker five = zoneAware.newPicker(all.filter(i -> i != 0 && i != 1), null);
    assertThat(zonesPicked(five, 100)).containsExactly("eu-1");
    // 4 x 1.4 = 5.6 < 7: spill over to every zone.
    Picker four = zoneAware.newPicker(all.filter(i -> i > 2), five);
    assertThat(zonesPicked(four, 100)).containsExactlyInAnyOrder("eu-1", "eu-2");
    // Recovery brings the preference back.
    assertThat(zonesPicked(zoneAware.newPicker(all, four), 100)).containsExactly("eu-1");
  }

  @Test
  void staysLocalAtExactlyOneOverOnePointFourOfALargeZone() {
    // 45 of 63 is exactly 1 / 1.4; 45 x 1.4 < 63 in doubles, the shared rule counts it exactly.
    ZoneAwareConfig config = ZoneAwareConfig.of("eu-1");
    assertThat(config.localShare(45, 63, 10, 10)).isEqualTo(1.0);
    assertThat(config.localShare(44, 63, 10, 10)).isLessThan(1.0);
    assertThat(ZoneAwareConfig.builder("eu-1").overprovisioningFactor(2.0).build()
        .localShare(4, 8, 10, 10)).isEqualTo(1.0);
  }

  @Test
  void spillsWhenTheLocalZoneIsEmptyOrUnknown() {
    Candidates all = candidates(pool());
    assertThat(zonesPicked(zoneAware.newPicker(all.filter(i -> i >= 7), null), 20))
        .containsExactly("eu-2");
    Picker elsewhere = Strategies.zoneAware("us-1", Strategies.roundRobin()).newPicker(all, null);
    assertThat(zonesPicked(elsewhere, 100)).containsExactlyInAnyOrder("eu-1", "eu-2");
  }

  @Test
  void minimumLocalCountForcesSpill() {
    Strategy strict = Strategies.zoneAware(
        ZoneAwareConfig.builder("eu-1").minLocalServers(8).build(), Strategies.roundRobin());
    assertThat(zonesPicked(strict.newPicker(candidates(pool()), null), 100))
        .containsExactlyInAnyOrder("eu-1", "eu-2");
  }

  @Test
  void failoverLeavesTheZoneWhenEveryLocalServerWasTried() {
    ServerPool pool = pool();
    Picker picker = zoneAware.newPicker(candidates(pool), null);
    Request.Builder tried = Request.builder();
    for (int i = 0; i < 7; i++) {
      tried.exclude(pool.servers().get(i));
    }
    assertThat(picker.pick(tried.build()).zone()).isEqualTo("eu-2");
  }

  /** 10 servers in eu-1 (0..9), 10 in eu-2 (10..19), each with its own counters. */
  private static Candidates twentyServers(double[] ramp, ServerMetrics[] metrics) {
    Server[] servers = new Server[20];
    ServerLoad[] loads = new ServerLoad[20];
    for (int i = 0; i < 20; i++) {
      servers[i] = Server.builder("10.3.0." + (i + 1), 8080).zone(i < 10 ? "eu-1" : "eu-2")
          .build();
      metrics[i] = new ServerMetrics(servers[i].id(), 0L, 10_000_000_000L);
      loads[i] = metrics[i];
    }
    return Candidates.of(ServerPool.of(servers).snapshot(), servers, loads, ramp,
        NoServerAvailableException.Reason.EMPTY_POOL, RandomSource.seeded(7), () -> 0L);
  }

  private static double localShare(Picker picker, int picks) {
    int local = 0;
    for (int i = 0; i < picks; i++) {
      local += picker.pick(Request.NONE).zone().equals("eu-1") ? 1 : 0;
    }
    return (double) local / picks;
  }

  @Test
  void rampingLocalServersCountByTheirRampFactor() {
    // scale-out: 3 warm local servers and 7 new ones at the 10% slow-start floor count as 3.7 of
    // 10, health min(1, 1.4 x 3.7 / 10) = 0.518; the other zone, all warm, has health 1
    double[] ramp = new double[20];
    java.util.Arrays.fill(ramp, 1.0);
    for (int i = 3; i < 10; i++) {
      ramp[i] = 0.1;
    }
    Picker picker = zoneAware.newPicker(twentyServers(ramp, new ServerMetrics[20]), null);
    assertThat(((ZoneAwareStrategy.ZonePicker) picker).share).isCloseTo(0.518,
        org.assertj.core.data.Offset.offset(1e-9));
    assertThat(localShare(picker, 20_000)).isCloseTo(0.518,
        org.assertj.core.data.Offset.offset(0.02));
  }

  @Test
  void whenBothSidesAreDegradedEachGetsItsHealthOverTheirSum() {
    // Envoy's priority load normalises healths that add up to less than 1: 0.518 + 0.392 = 0.91
    ZoneAwareConfig config = ZoneAwareConfig.of("eu-1");
    assertThat(config.localShare(3.7, 10, 2.8, 10)).isCloseTo(0.518 / 0.91,
        org.assertj.core.data.Offset.offset(1e-9));
    // whole counts keep the exact rule: 5 of 7 stays local, 4 of 7 keeps 80%
    assertThat(config.localShare(5, 7, 5, 5)).isEqualTo(1.0);
    assertThat(config.localShare(4, 7, 5, 5)).isCloseTo(0.8,
        org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void overflowSendsCallsAwayOnlyWhileTheLocalZoneIsFarBusier() {
    ServerMetrics[] m = new ServerMetrics[20];
    Picker picker = zoneAware.newPicker(twentyServers(null, m), null);
    assertThat(localShare(picker, 1000)).isEqualTo(1.0);
    // 3 calls in flight on every local server: below the minimum of 4, still all local
    for (int i = 0; i < 10; i++) {
      for (int k = 0; k < 3; k++) {
        m[i].onStart();
      }
    }
    assertThat(localShare(picker, 1000)).isEqualTo(1.0);
    // 8 in flight locally (queueing), 0 remotely: 8 > 2 x (0 + 1), every local pick overflows
    for (int i = 0; i < 10; i++) {
      for (int k = 0; k < 5; k++) {
        m[i].onStart();
      }
    }
    assertThat(localShare(picker, 1000)).isEqualTo(0.0);
    // the other zone at 4 in flight: 8 <= 2 x (4 + 1), local again
    for (int i = 10; i < 20; i++) {
      for (int k = 0; k < 4; k++) {
        m[i].onStart();
      }
    }
    assertThat(localShare(picker, 1000)).isEqualTo(1.0);
    // the check can be turned off
    Picker plain = Strategies.zoneAware(ZoneAwareConfig.builder("eu-1").noOverflow().build(),
        Strategies.roundRobin()).newPicker(twentyServers(null, new ServerMetrics[20]), null);
    assertThat(localShare(plain, 1000)).isEqualTo(1.0);
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> Strategies.zoneAware(" ", Strategies.roundRobin()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("localZone: \" \" (expected: non-blank)");
    assertThatThrownBy(() -> ZoneAwareConfig.builder("eu-1").overprovisioningFactor(0.9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("overprovisioningFactor: 0.9 (expected: >= 1 and finite)");
    assertThatThrownBy(() -> ZoneAwareConfig.builder("eu-1").minLocalServers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minLocalServers: 0 (expected: >= 1)");
    assertThatThrownBy(() -> ZoneAwareConfig.builder("eu-1").overflow(0, 2.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("overflowMin: 0 (expected: >= 1)");
    assertThatThrownBy(() -> ZoneAwareConfig.builder("eu-1").overflow(4, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("overflowRatio: 0.5 (expected: >= 1 and finite)");
    assertThatThrownBy(() -> Strategies.zoneAware("eu-1", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delegate: null (expected: non-null)");
  }

  @Test
  void pickersThatServedBothSidesAreHandedOnToOneSideOnly() {
    // each picker the delegate builds remembers the previous it was given
    List<Picker> given = new ArrayList<>();
    Strategy recording = (candidates, previous) -> {
      given.add(previous);
      Picker inner = Strategies.roundRobin().newPicker(candidates, null);
      return inner::pick;
    };
    Strategy strategy = Strategies.zoneAware("eu-1", recording);
    double[] ramp = new double[20];
    java.util.Arrays.fill(ramp, 1.0);
    Candidates twenty = twentyServers(ramp, new ServerMetrics[20]);
    Candidates localOnly = twenty.filter(i -> i < 10);

    ZoneAwareStrategy.ZonePicker one = (ZoneAwareStrategy.ZonePicker) strategy.newPicker(
        localOnly, null);
    assertThat(one.local).isSameAs(one.all); // every candidate local: one picker serves both
    given.clear();
    strategy.newPicker(twenty, one); // both zones again: all, then local, then remote
    // the shared picker goes on as all's previous only, so local and all keep their own state
    assertThat(given).hasSize(3);
    assertThat(given.get(0)).isSameAs(one.all);
    assertThat(given.get(1)).isNull();
    assertThat(given.get(2)).isNull();
  }
}
