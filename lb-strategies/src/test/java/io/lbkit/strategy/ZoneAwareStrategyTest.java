package io.lbkit.strategy;

import static io.lbkit.strategy.HashFixtures.candidates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
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
    assertThat(config.enough(45, 63)).isTrue();
    assertThat(config.enough(44, 63)).isFalse();
    assertThat(ZoneAwareConfig.builder("eu-1").overprovisioningFactor(2.0).build().enough(4, 8))
        .isTrue();
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
    assertThatThrownBy(() -> Strategies.zoneAware("eu-1", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delegate: null (expected: non-null)");
  }
}
