package io.lbkit.kubernetes;

import static io.lbkit.kubernetes.Slices.httpAndMetrics;
import static io.lbkit.kubernetes.Slices.ready;
import static io.lbkit.kubernetes.Slices.slice;
import static io.lbkit.kubernetes.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.discovery.Discovery;
import io.lbkit.strategy.Strategies;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end: slices written to fabric8's mock API server (CRUD mode) reach a real {@link
 * ServerPool} through {@link KubernetesSource} and a {@link Discovery} binder, and a selector on
 * the pool follows them.
 */
class KubernetesDiscoveryTest {
  private static final String NS = "shop";
  private static final int CHANGES = 20;

  private KubernetesMockServer server;
  private KubernetesClient client;
  private final ServerPool pool = ServerPool.empty();
  private final PoolWatch watch = new PoolWatch();
  private Discovery discovery;

  @BeforeEach
  void startServer() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient(new JdkHttpClientFactory());
  }

  @AfterEach
  void stop() {
    KubernetesSourceTest.destroyAfterTest(server); // first: see KubernetesSourceTest.stop()
    if (discovery != null) {
      discovery.close();
    }
    client.close();
  }

  private void put(EndpointSlice slice) {
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice)
        .createOr(NonDeletingOperation::update);
  }

  private NonNamespaceOperation<EndpointSlice, EndpointSliceList, Resource<EndpointSlice>>
      slices() {
    return client.discovery().v1().endpointSlices().inNamespace(NS);
  }

  private Set<String> ids() {
    return watch.servers().stream().map(Server::id).collect(Collectors.toSet());
  }

  @Test
  void changesInTheApiReachThePoolAndTheSelector() throws Exception {
    put(slice("inventory-a", "inventory", httpAndMetrics(),
        ready("10.0.0.1", "eu-1"), ready("10.0.0.2", "eu-2")));
    KubernetesSource source = KubernetesSource.of(client, NS, "inventory", "http");
    discovery = Discovery.builder(source, pool)
        .name("inventory")
        .removalDelay(Duration.ZERO) // a leaver goes at once: what this test watches
        .start();
    assertThat(discovery.ready().get(20, TimeUnit.SECONDS)).hasSize(2);
    KubernetesSourceTest.awaitWatching(source);
    Selector local = Strategies.zoneAware("eu-1", Strategies.roundRobin()).newSelector(pool);
    // registered after the selector: when the watch hears of a change, the selector has rebuilt
    pool.addListener(watch);
    assertThat(local.choose().id()).isEqualTo("10.0.0.1:8080");

    // the eu-1 endpoint is shutting down: drained, so the selector spills over to eu-2
    put(slice("inventory-a", "inventory", httpAndMetrics(),
        terminating("10.0.0.1", "eu-1"), ready("10.0.0.2", "eu-2")));
    watch.await("10.0.0.1 drained", () -> watch.servers().stream()
        .anyMatch(s -> s.id().equals("10.0.0.1:8080") && s.isDrained()));
    for (int i = 0; i < 10; i++) {
      assertThat(local.choose().id()).isEqualTo("10.0.0.2:8080");
    }

    // a second slice joins; the drained endpoint's pod is gone
    put(slice("inventory-b", "inventory", httpAndMetrics(), ready("10.0.0.3", "eu-1")));
    put(slice("inventory-a", "inventory", httpAndMetrics(), ready("10.0.0.2", "eu-2")));
    watch.await("10.0.0.1 gone, 10.0.0.3 in",
        () -> ids().equals(Set.of("10.0.0.2:8080", "10.0.0.3:8080")));
    assertThat(local.choose().id()).isEqualTo("10.0.0.3:8080");
    assertThat(discovery.status().consecutiveFailures()).isZero();
  }

  /**
   * The time from a write to the API server to the pool's new membership, over {@value
   * #CHANGES} slice creations and updates: printed, never asserted (a shared two-core machine
   * says little about a cluster).
   */
  @Test
  void measuresTheTimeFromASliceWriteToTheNewPool() throws Exception {
    put(slice("inventory-0", "inventory", httpAndMetrics(), ready("10.0.1.0", "eu-1")));
    KubernetesSource source = KubernetesSource.of(client, NS, "inventory", "http");
    discovery = Discovery.builder(source, pool)
        .removalDelay(Duration.ZERO)
        .start();
    discovery.ready().get(20, TimeUnit.SECONDS);
    KubernetesSourceTest.awaitWatching(source);
    pool.addListener(watch);

    List<Long> micros = new ArrayList<>();
    Set<String> expected = new HashSet<>(Set.of("10.0.1.0:8080"));
    for (int i = 1; i <= CHANGES; i++) {
      String address = "10.0.1." + i;
      long t0;
      if (i % 2 == 1) { // odd: a new slice, one POST
        EndpointSlice created = slice("inventory-" + i, "inventory", httpAndMetrics(),
            ready(address, "eu-1"));
        t0 = System.nanoTime();
        slices().resource(created).create();
      } else { // even: the first slice gets one more endpoint, one PUT
        EndpointSlice current = slices().withName("inventory-0").get();
        current.getEndpoints().add(ready(address, "eu-1"));
        t0 = System.nanoTime();
        slices().resource(current).update();
      }
      expected.add(address + ":8080");
      watch.await(address + " in the pool", () -> ids().equals(expected));
      micros.add(TimeUnit.NANOSECONDS.toMicros(watch.lastChangeNanos() - t0));
    }
    assertThat(ids()).hasSize(CHANGES + 1);
    List<Long> sorted = new ArrayList<>(micros);
    sorted.sort(null);
    System.out.printf("Kubernetes slice write to new pool, %d changes: median %.1f ms, min %.1f ms,"
            + " max %.1f ms (each: the write's HTTP call, the watch event, the merge, the"
            + " binder's update)%n",
        CHANGES, (sorted.get(CHANGES / 2 - 1) + sorted.get(CHANGES / 2)) / 2000.0,
        sorted.get(0) / 1000.0, sorted.get(CHANGES - 1) / 1000.0);
  }
}
