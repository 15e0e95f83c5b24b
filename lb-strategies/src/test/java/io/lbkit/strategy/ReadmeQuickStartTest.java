package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.HealthTracker;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's quick start, kept compiling and running. */
class ReadmeQuickStartTest {

  /** Stands in for the user's own client. */
  static final class InventoryClient {
    int calls;

    void reserve(Server server, String order) throws IOException {
      calls++;
      if (server.port() == 9) {
        throw new IOException("connection refused");
      }
    }
  }

  @Test
  void quickStartRecordsOneSuccessfulCall() throws IOException {
    InventoryClient inventoryClient = new InventoryClient();
    String order = "order-1";

    ServerPool pool = ServerPool.of(
        Server.of("10.0.0.1", 8080),
        Server.builder("10.0.0.2", 8080).weight(3).zone("eu-1").build());
    Selector selector = Strategies.roundRobin().newSelector(pool);

    Server server = selector.choose();
    HealthTracker tracker = selector.tracker();
    long start = tracker.onStart(server);
    try {
      inventoryClient.reserve(server, order);
      tracker.onSuccess(server, start);
    } catch (IOException e) {
      tracker.onFailure(server, start, e);
      throw e;
    }

    assertThat(inventoryClient.calls).isEqualTo(1);
    assertThat(tracker.stats(server).requests()).isEqualTo(1);
    assertThat(tracker.stats(server).inFlight()).isZero();

    pool.update(List.of(Server.of("10.0.0.3", 8080)));
    assertThat(selector.choose().id()).isEqualTo("10.0.0.3:8080");
  }
}
