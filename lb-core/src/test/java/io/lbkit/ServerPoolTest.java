package io.lbkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerPoolTest {
  private final Server a = Server.of("10.0.0.1", 80);
  private final Server b = Server.of("10.0.0.2", 80);
  private final Server c = Server.of("10.0.0.3", 80);

  @Test
  void ofPublishesVersionOne() {
    ServerPool pool = ServerPool.of(a, b);
    assertThat(pool.servers()).containsExactly(a, b);
    assertThat(pool.snapshot().version()).isEqualTo(1);
    assertThat(pool.snapshot().byId("10.0.0.2:80")).isSameAs(b);
  }

  @Test
  void emptyPoolIsLegal() {
    assertThat(ServerPool.of(List.of()).servers()).isEmpty();
    assertThat(ServerPool.empty().snapshot().isEmpty()).isTrue();
  }

  @Test
  void updateAddRemoveDrainEachPublishOneVersion() {
    ServerPool pool = ServerPool.of(a);
    pool.update(List.of(a, b));
    assertThat(pool.snapshot().version()).isEqualTo(2);
    pool.add(c);
    assertThat(pool.servers()).containsExactly(a, b, c);
    assertThat(pool.remove(b)).isTrue();
    assertThat(pool.remove(b)).isFalse();
    assertThat(pool.servers()).containsExactly(a, c);
    assertThat(pool.drain(c)).isTrue();
    assertThat(pool.servers().get(1).weight()).isZero();
    assertThat(pool.servers().get(1).id()).isEqualTo(c.id());
    assertThat(pool.snapshot().version()).isEqualTo(5);
  }

  @Test
  void republishingTheSameServersIsANoOp() {
    ServerPool pool = ServerPool.of(a, b);
    List<Long> seen = new ArrayList<>();
    pool.addListener((prev, cur) -> seen.add(cur.version()));
    pool.update(List.of(a, b));
    assertThat(pool.snapshot().version()).isEqualTo(1);
    assertThat(seen).isEmpty();
  }

  @Test
  void listenersSeeEveryVersionInOrderAndAFailingOneDoesNotStopOthers() {
    ServerPool pool = ServerPool.of(a);
    List<String> seen = new ArrayList<>();
    pool.addListener((prev, cur) -> {
      throw new IllegalStateException("listener bug");
    });
    pool.addListener((prev, cur) -> seen.add(prev.version() + "->" + cur.version()));
    pool.add(b);
    pool.remove(a);
    assertThat(seen).containsExactly("1->2", "2->3");
    assertThat(pool.servers()).containsExactly(b);
  }

  @Test
  void rejectsDuplicateIdsAndKeepsPreviousState() {
    ServerPool pool = ServerPool.of(a);
    Server twin = Server.builder("10.0.0.9", 80).id(b.id()).build();
    assertThatThrownBy(() -> pool.update(List.of(b, twin)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("servers[1].id: \"10.0.0.2:80\" (expected: unique within the pool)");
    assertThat(pool.servers()).containsExactly(a);
    assertThat(pool.snapshot().version()).isEqualTo(1);
  }

  @Test
  void rejectsAddOfAnExistingId() {
    ServerPool pool = ServerPool.of(a);
    assertThatThrownBy(() -> pool.add(Server.builder("10.0.0.1", 80).weight(5).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("server.id: \"10.0.0.1:80\" (expected: not already in the pool)");
    assertThat(pool.servers()).containsExactly(a);
  }

  @Test
  void rejectsNullsAndKeepsPreviousState() {
    ServerPool pool = ServerPool.of(a);
    assertThatThrownBy(() -> pool.update(Arrays.asList(b, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("servers[1]: null (expected: non-null)");
    assertThatThrownBy(() -> pool.update(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("servers: null (expected: non-null)");
    assertThatThrownBy(() -> pool.add(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("server: null (expected: non-null)");
    assertThatThrownBy(() -> ServerPool.of(a, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("servers[1]: null (expected: non-null)");
    assertThat(pool.servers()).containsExactly(a);
    assertThat(pool.snapshot().version()).isEqualTo(1);
  }

  @Test
  void serversViewIsUnmodifiable() {
    ServerPool pool = ServerPool.of(a);
    assertThatThrownBy(() -> pool.servers().add(b))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
