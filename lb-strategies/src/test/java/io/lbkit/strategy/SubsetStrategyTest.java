package io.lbkit.strategy;

import static io.lbkit.strategy.HashFixtures.candidates;
import static io.lbkit.strategy.HashFixtures.servers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubsetStrategyTest {

  @Test
  void hundredClientsOverThirtyServersGiveEachServer33Or34Clients() {
    ServerPool pool = ServerPool.of(servers(30));
    Map<String, Integer> clients = new HashMap<>();
    for (int c = 0; c < 100; c++) {
      Set<String> subset = SubsetStrategy.members(pool.snapshot(), 10, c);
      assertThat(subset).hasSize(10);
      for (String id : subset) {
        clients.merge(id, 1, Integer::sum);
      }
    }
    assertThat(clients).hasSize(30);
    assertThat(clients.values()).allSatisfy(n -> assertThat(n).isBetween(33, 34));
    assertThat(clients.values().stream().filter(n -> n == 34).count()).isEqualTo(10);
  }

  @Test
  void subsetsOfOneRoundAreDisjoint() {
    ServerPool pool = ServerPool.of(servers(30));
    Set<String> seen = new HashSet<>();
    for (int c = 3; c < 6; c++) { // round 1: clients 3, 4, 5
      for (String id : SubsetStrategy.members(pool.snapshot(), 10, c)) {
        assertThat(seen.add(id)).as(id).isTrue();
      }
    }
    assertThat(seen).hasSize(30);
  }

  @Test
  void subsetDoesNotDependOnPoolOrder() {
    List<Server> shuffled = new ArrayList<>(servers(30));
    Collections.shuffle(shuffled, new Random(5));
    assertThat(SubsetStrategy.members(ServerPool.of(shuffled).snapshot(), 10, 17))
        .isEqualTo(SubsetStrategy.members(ServerPool.of(servers(30)).snapshot(), 10, 17));
  }

  @Test
  void delegatePicksOnlyWithinTheSubset() {
    ServerPool pool = ServerPool.of(servers(30));
    Strategy subset = Strategies.subset(10, "7", Strategies.roundRobin());
    Picker picker = subset.newPicker(candidates(pool), null);
    Set<String> expected = SubsetStrategy.members(pool.snapshot(), 10, 7);
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      picked.add(picker.pick(Request.NONE).id());
    }
    assertThat(picked).isEqualTo(expected);
  }

  @Test
  void unavailableSubsetMembersAreSkippedAndAnEmptySubsetFallsBackToAll() {
    ServerPool pool = ServerPool.of(servers(30));
    Strategy subset = Strategies.subset(10, "7", Strategies.roundRobin());
    Set<String> members = SubsetStrategy.members(pool.snapshot(), 10, 7);
    Candidates all = candidates(pool);
    String gone = members.iterator().next();
    Picker healthy = subset.newPicker(all.filter(i -> !all.server(i).id().equals(gone)), null);
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      picked.add(healthy.pick(Request.NONE).id());
    }
    assertThat(picked).hasSize(9).doesNotContain(gone).allMatch(members::contains);

    Picker none = subset.newPicker(all.filter(i -> !members.contains(all.server(i).id())), null);
    Set<String> fallback = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      fallback.add(none.pick(Request.NONE).id());
    }
    assertThat(fallback).hasSize(20).noneMatch(members::contains);
  }

  @Test
  void failoverStaysInsideTheSubset() {
    ServerPool pool = ServerPool.of(servers(30));
    Picker picker = Strategies.subset(10, "7", Strategies.roundRobin())
        .newPicker(candidates(pool), null);
    Request.Builder tried = Request.builder();
    for (String id : SubsetStrategy.members(pool.snapshot(), 10, 7)) {
      tried.exclude(pool.snapshot().byId(id));
    }
    assertThat(picker.pick(tried.build())).isNull();
  }

  @Test
  void decimalIdsAreOrdinalsAndOthersAreHashed() {
    assertThat(SubsetStrategy.ordinal("42")).isEqualTo(42);
    assertThat(SubsetStrategy.ordinal("orders-7")).isNotNegative().isNotEqualTo(7);
    assertThat(SubsetStrategy.ordinal("orders-7")).isEqualTo(SubsetStrategy.ordinal("orders-7"));
  }

  @Test
  void smallPoolIsOneSubset() {
    ServerPool pool = ServerPool.of(servers(4));
    assertThat(SubsetStrategy.members(pool.snapshot(), 10, 99)).hasSize(4);
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> Strategies.subset(0, "1", Strategies.roundRobin()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size: 0 (expected: > 0)");
    assertThatThrownBy(() -> Strategies.subset(-3, "1", Strategies.roundRobin()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size: -3 (expected: > 0)");
    assertThatThrownBy(() -> Strategies.subset(10, "  ", Strategies.roundRobin()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clientId: \"  \" (expected: non-blank)");
    assertThatThrownBy(() -> Strategies.subset(10, "1", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delegate: null (expected: non-null)");
  }
}
