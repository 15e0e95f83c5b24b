package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.Attempt;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The README's quick start, kept compiling and running. */
class ReadmeQuickStartTest {

  /** Stands in for the user's own client; {@code unchecked} makes it throw what no catch names. */
  static final class InventoryClient {
    int calls;
    RuntimeException unchecked;

    void reserve(Server server, String order) throws IOException {
      calls++;
      if (unchecked != null) {
        throw unchecked;
      }
      if (server.port() == 9) {
        throw new IOException("connection refused");
      }
    }
  }

  private Selector built;

  /** The README's snippet, as it is there but for the line marked as the test's. */
  private void quickStart(InventoryClient inventoryClient, String order) throws IOException {
    ServerPool pool = ServerPool.of(
        Server.of("10.0.0.1", 8080),
        Server.builder("10.0.0.2", 8080).weight(3).zone("eu-1").build());
    Selector selector = Strategies.roundRobin().newSelector(pool);
    built = selector; // the test's, not the README's

    try (Attempt a = selector.begin()) {             // or begin(Request.withKey("user-42"))
      try {
        inventoryClient.reserve(a.server(), order);   // your own client call
        a.success();
      } catch (IOException e) {
        a.failure(e);                                 // the server failed: health tracking sees it
        throw e;
      }
    }                                                 // anything else thrown ends it as a cancel

    pool.add(Server.of("10.0.0.3", 8080));            // membership changes at any time, any thread
  }

  @Test
  void quickStartRecordsOneSuccessfulCall() throws IOException {
    InventoryClient client = new InventoryClient();
    quickStart(client, "order-1");

    assertThat(client.calls).isEqualTo(1);
    long requests = 0;
    for (Server s : List.of(Server.of("10.0.0.1", 8080), Server.of("10.0.0.2", 8080))) {
      requests += built.tracker().stats(s).requests();
      assertThat(built.tracker().stats(s).inFlight()).isZero();
    }
    assertThat(requests).isEqualTo(1);
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 3; i++) { // round robin over the three servers now in the pool
      picked.add(built.choose().id());
    }
    assertThat(picked).containsExactlyInAnyOrder("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");
  }

  @Test
  void anUncheckedExceptionFromTheClientLeavesNothingInFlight() {
    InventoryClient client = new InventoryClient();
    client.unchecked = new IllegalStateException("client bug");

    assertThatThrownBy(() -> quickStart(client, "order-1")).isSameAs(client.unchecked);

    for (Server s : List.of(Server.of("10.0.0.1", 8080), Server.of("10.0.0.2", 8080))) {
      assertThat(built.tracker().stats(s).inFlight()).as("in flight on %s", s).isZero();
      assertThat(built.tracker().stats(s).requests()).isZero(); // a cancel counts nothing
    }
  }
}
