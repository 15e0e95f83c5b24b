package io.lbkit.kubernetes;

import static io.lbkit.kubernetes.Slices.endpoint;
import static io.lbkit.kubernetes.Slices.httpAndMetrics;
import static io.lbkit.kubernetes.Slices.notReady;
import static io.lbkit.kubernetes.Slices.port;
import static io.lbkit.kubernetes.Slices.ready;
import static io.lbkit.kubernetes.Slices.slice;
import static io.lbkit.kubernetes.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.lbkit.RandomSource;
import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.discovery.ServerSource;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against fabric8's mock API server in CRUD mode (a real HTTP and WebSocket server on a loopback
 * port the OS picks; it stores what it is sent and streams watch events): slices written through
 * the client reach the listener of a {@link KubernetesSource} as whole merged lists, and watch
 * and API trouble reach it as failures, never as an empty list.
 */
class KubernetesSourceTest {
  static final String NS = "shop";

  private final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
  /** Kept across a restart of the server: the API's stored objects live in it. */
  private final KubernetesMixedDispatcher dispatcher = new KubernetesMixedDispatcher(expectations);
  private KubernetesMockServer server;
  private KubernetesClient client;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Pushes pushes = new Pushes();
  private KubernetesSource source;

  @BeforeEach
  void startServer() {
    server = newServer();
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient(new JdkHttpClientFactory());
  }

  private KubernetesMockServer newServer() {
    return new KubernetesMockServer(
        new Context(), new MockWebServer(), expectations, dispatcher, false);
  }

  @AfterEach
  void stop() {
    // the server first: the mock server's event loop stalls for many seconds when a client
    // closes a watch gracefully (its WatchEventsListener waits on its own executor), and a
    // server that is gone lets the client's close end at once
    destroyAfterTest(server);
    if (source != null) {
      source.close();
    }
    client.close();
    timer.shutdownNow();
  }

  /**
   * Stops a mock server once a test is over. Its shutdown waits a bounded time for Vert.x to
   * close, and with a watch still open that wait can run out (seen once in five full builds,
   * after the test itself had passed): the server is going away either way, so the timeout is
   * reported, not failed on. Tests that stop the server mid-run call {@code destroy()} and do
   * fail on it.
   */
  static void destroyAfterTest(KubernetesMockServer server) {
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      System.err.println("mock API server shutdown after the test: " + e + " (ignored)");
    }
  }

  private void start(KubernetesSource s) {
    source = s;
    s.start(pushes, context(timer));
  }

  /**
   * Waits (at most 20 s) until the source's watch is open. The mock server streams only what
   * changes after a watch opens, so a slice changed between the first list and the watch would
   * never be seen; fabric8 offers no callback for the open, so this polls its flag.
   */
  static void awaitWatching(KubernetesSource source) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!source.isWatching()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the watch did not open in 20 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  static ServerSource.Context context(ScheduledExecutorService timer) {
    return new ServerSource.Context() {
      @Override
      public Ticker ticker() {
        return Ticker.system();
      }

      @Override
      public Scheduler scheduler() {
        return Scheduler.of(timer);
      }

      @Override
      public Executor executor() {
        return timer;
      }

      @Override
      public RandomSource random() {
        return RandomSource.threadLocal();
      }
    };
  }

  private KubernetesSource inventory() {
    return KubernetesSource.of(client, NS, "inventory", "http");
  }

  private void put(EndpointSlice slice) {
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice)
        .createOr(NonDeletingOperation::update);
  }

  private void delete(String slice) {
    client.discovery().v1().endpointSlices().inNamespace(NS).withName(slice).delete();
  }

  static Set<String> ids(List<Server> servers) {
    return servers.stream().map(Server::id).collect(Collectors.toSet());
  }

  @Test
  void mergesEverySliceOfTheServiceAndIgnoresOtherServices() throws Exception {
    put(slice("inventory-a", "inventory", httpAndMetrics(),
        ready("10.0.0.1", "eu-1"),
        new EndpointBuilder().withAddresses("10.0.0.2").withZone("eu-2").withNodeName("node-7")
            .withHostname("inventory-2").withNewTargetRef().withKind("Pod")
            .withName("inventory-7f9c-2").endTargetRef().build()));
    put(slice("payment-a", "payment", httpAndMetrics(), ready("10.0.9.1", "eu-1")));
    start(inventory());
    List<Server> first = pushes.awaitList("slice a", 0, l -> l.size() == 2);
    assertThat(first).containsExactly(
        Server.builder("10.0.0.1", 8080).zone("eu-1").build(),
        // no conditions at all: ready (a null ready means ready, says the API)
        Server.builder("10.0.0.2", 8080).zone("eu-2").metadata("nodeName", "node-7")
            .metadata("hostname", "inventory-2").metadata("pod", "inventory-7f9c-2").build());
    awaitWatching(source);

    // a second slice of the service, its ports in another order: merged, by name
    put(slice("inventory-b", "inventory", List.of(port("metrics", 9091), port("http", 8081)),
        ready("10.0.0.3", "eu-1")));
    List<Server> merged = pushes.awaitList("both slices", 1, l -> l.size() == 3);
    assertThat(ids(merged)).containsExactlyInAnyOrder(
        "10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8081");
    put(slice("payment-b", "payment", httpAndMetrics(), ready("10.0.9.2", "eu-1")));
    put(slice("inventory-c", "inventory", httpAndMetrics(), ready("10.0.0.4", "eu-1")));
    List<Server> last = pushes.awaitList("slice c", 0, l -> l.size() == 4);
    assertThat(ids(last)).doesNotContain("10.0.9.1:8080", "10.0.9.2:8080");
    assertThat(pushes.lists()).allSatisfy(l -> assertThat(ids(l)).allMatch(
        id -> id.startsWith("10.0.0.")));
    assertThat(pushes.errors()).isEmpty();
  }

  @Test
  void theSliceWithoutTheNamedPortContributesNothingAndNoNameTakesTheOnlyPort()
      throws Exception {
    put(slice("inventory-a", "inventory", List.of(port("grpc", 9000)), ready("10.0.0.1", "")));
    put(slice("inventory-b", "inventory", List.of(port("http", 8080)), ready("10.0.0.2", "")));
    start(inventory());
    assertThat(ids(pushes.awaitList("the http slice", 0, l -> !l.isEmpty())))
        .containsExactly("10.0.0.2:8080");

    Pushes unnamed = new Pushes();
    KubernetesSource any = KubernetesSource.builder(client, "inventory").namespace(NS).build();
    try {
      any.start(unnamed, context(timer));
      assertThat(ids(unnamed.awaitList("both slices", 0, l -> l.size() == 2)))
          .containsExactlyInAnyOrder("10.0.0.1:9000", "10.0.0.2:8080");
    } finally {
      any.close();
    }
  }

  @Test
  void notReadyEndpointsLeaveAndTerminatingServingOnesAreDrained() throws Exception {
    put(slice("inventory-a", "inventory", httpAndMetrics(),
        ready("10.0.0.1", "eu-1"), ready("10.0.0.2", "eu-1"), ready("10.0.0.3", "eu-2")));
    start(inventory());
    pushes.awaitList("three ready", 0, l -> l.size() == 3);
    awaitWatching(source);
    int mark = pushes.size();

    put(slice("inventory-a", "inventory", httpAndMetrics(),
        ready("10.0.0.1", "eu-1"),
        terminating("10.0.0.2", "eu-1"), // shutting down, still answering: drained
        notReady("10.0.0.3"), // failing its readiness probe: out
        endpoint("10.0.0.4", false, false, true, "eu-2"))); // terminating, not serving: out
    List<Server> after = pushes.awaitList("the update", mark, l -> l.size() == 2);
    assertThat(after).containsExactly(
        Server.builder("10.0.0.1", 8080).zone("eu-1").build(),
        Server.builder("10.0.0.2", 8080).zone("eu-1").weight(0).build());
    assertThat(after.get(1).isDrained()).isTrue();
  }

  @Test
  void aDeletedSliceTakesItsEndpointsAway() throws Exception {
    put(slice("inventory-a", "inventory", httpAndMetrics(), ready("10.0.0.1", "")));
    put(slice("inventory-b", "inventory", httpAndMetrics(), ready("10.0.0.2", "")));
    start(inventory());
    pushes.awaitList("both", 0, l -> l.size() == 2);
    int mark = pushes.size();
    awaitWatching(source);

    delete("inventory-b");
    assertThat(ids(pushes.awaitList("b gone", mark, l -> l.size() == 1)))
        .containsExactly("10.0.0.1:8080");
    delete("inventory-a");
    // the source says what Kubernetes says; keeping a list out of an empty answer is the
    // binder's job (Discovery rejects it unless allowEmpty)
    assertThat(pushes.awaitList("none left", mark, List::isEmpty)).isEmpty();
  }

  @Test
  void aDroppedWatchIsReportedAndTheWholeListIsPushedAgainWhenItIsBack() throws Exception {
    put(slice("inventory-a", "inventory", httpAndMetrics(), ready("10.0.0.1", "eu-1")));
    put(slice("inventory-b", "inventory", httpAndMetrics(), ready("10.0.0.2", "eu-2")));
    start(KubernetesSource.builder(client, "inventory").namespace(NS).portName("http")
        .watchCheckInterval(Duration.ofMillis(100)).build());
    List<Server> before = pushes.awaitList("both", 0, l -> l.size() == 2);
    int port = server.getPort();

    // the API server goes away: the watch's connection drops and reconnects fail
    server.destroy();
    int down = pushes.awaitError("the watch reported down", 0);

    // it comes back on the same address with the same stored objects
    server = newServer();
    server.init(InetAddress.getLoopbackAddress(), port);
    List<Server> again = pushes.awaitList("the list after the watch is back", down + 1,
        l -> true);
    assertThat(again).containsExactlyInAnyOrderElementsOf(before);

    // and it is watching again: a change made now arrives
    put(slice("inventory-c", "inventory", httpAndMetrics(), ready("10.0.0.3", "eu-1")));
    pushes.awaitList("c after the restart", down + 1, l -> l.size() == 3);
    assertThat(pushes.lists()).noneMatch(List::isEmpty);
    assertThat(pushes.overlaps()).isZero();
  }

  /** The informer's first list call, as it makes it. */
  private static final String LIST_PATH = "/apis/discovery.k8s.io/v1/namespaces/" + NS
      + "/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dinventory"
      + "&resourceVersion=0";

  @Test
  void aForbiddenListIsReportedAndTheListFollowsOnceTheApiAllowsIt() throws Exception {
    put(slice("inventory-a", "inventory", httpAndMetrics(), ready("10.0.0.1", "")));
    // no RBAC permission yet: the expectations answer the list twice, then CRUD mode does
    server.expect().get().withPath(LIST_PATH)
        .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
            + "\"reason\":\"Forbidden\",\"code\":403,\"message\":\"endpointslices is forbidden\"}")
        .times(2);
    start(inventory());
    List<Server> list = pushes.awaitList("the list after the errors", 0, l -> true);
    assertThat(ids(list)).containsExactly("10.0.0.1:8080");
    List<Object> reports = pushes.reports();
    assertThat(reports).hasSize(3);
    assertThat(reports.subList(0, 2)).allSatisfy(r ->
        assertThat((Throwable) r).hasMessageContaining("403"));
    assertThat(reports.get(2)).isEqualTo(list);
  }

  @Test
  void aServerErrorIsReportedOnceTheClientsOwnRetriesAreSpent() throws Exception {
    put(slice("inventory-a", "inventory", httpAndMetrics(), ready("10.0.0.1", "")));
    server.expect().get().withPath(LIST_PATH)
        .andReturn(500, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
            + "\"code\":500,\"message\":\"etcdserver: request timed out\"}")
        .times(1);
    // fabric8 retries a 5xx itself (requestRetryBackoffLimit, 10 by default) before the
    // informer sees it; with no retries the informer, and so the listener, hears the first one
    KubernetesClient noRetries = server.createClient(b -> b
        .withHttpClientFactory(new JdkHttpClientFactory())
        .editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
    try {
      start(KubernetesSource.of(noRetries, NS, "inventory", "http"));
      List<Server> list = pushes.awaitList("the list after the error", 0, l -> true);
      assertThat(ids(list)).containsExactly("10.0.0.1:8080");
      List<Object> reports = pushes.reports();
      assertThat(reports).hasSize(2);
      assertThat((Throwable) reports.get(0)).hasMessageContaining("500");
      assertThat(reports.get(1)).isEqualTo(list);
    } finally {
      source.close();
      noRetries.close();
    }
  }

  /** The informer's first watch, from the list's resourceVersion (1 after one write). */
  private static final String WATCH_PATH_AT_1 = "/apis/discovery.k8s.io/v1/namespaces/" + NS
      + "/endpointslices?allowWatchBookmarks=true"
      + "&labelSelector=kubernetes.io%2Fservice-name%3Dinventory"
      + "&resourceVersion=1&timeoutSeconds=600&watch=true";
  /** A re-list: no cached resourceVersion=0 any more. */
  private static final String RELIST_PATH = "/apis/discovery.k8s.io/v1/namespaces/" + NS
      + "/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dinventory";

  @Test
  void aWatchAnsweredGoneIsReListedAndTheWholeListPushedAgain() throws Exception {
    put(slice("inventory-a", "inventory", httpAndMetrics(), ready("10.0.0.1", "")));
    // the API server has compacted past the watch's resourceVersion: 410 Gone on the watch,
    // once; the informer must list again (then CRUD mode answers the list and the next watch)
    server.expect().get().withPath(WATCH_PATH_AT_1).andUpgradeToWebSocket().open()
        .immediately().andEmit(new WatchEvent(new StatusBuilder().withCode(410)
            .withReason("Expired").withMessage("too old resource version: 1 (5)").build(),
            "ERROR"))
        .done().once();
    start(inventory());
    List<Server> first = pushes.awaitList("the first list", 0, l -> true);
    List<Server> again = pushes.awaitList("the list after the re-list", 1, l -> true);
    assertThat(again).isEqualTo(first);
    assertThat(ids(again)).containsExactly("10.0.0.1:8080");
    // a 410 is the informer's to handle, not a failure; nothing empty came in between
    assertThat(pushes.errors()).isEmpty();
    assertThat(pushes.lists()).noneMatch(List::isEmpty);
    List<String> paths = new ArrayList<>();
    for (RecordedRequest r; (r = server.takeRequest(0, TimeUnit.SECONDS)) != null; ) {
      paths.add(r.getPath());
    }
    assertThat(paths).containsSubsequence(LIST_PATH, WATCH_PATH_AT_1, RELIST_PATH);
  }

  @Test
  void closeStopsTheSourceButLeavesTheClientOpen() throws Exception {
    put(slice("inventory-a", "inventory", httpAndMetrics(), ready("10.0.0.1", "")));
    start(inventory());
    pushes.awaitList("a", 0, l -> l.size() == 1);
    int port = server.getPort();
    // closed while the API server is away (see stop() for why not while it is up)
    server.destroy();
    source.close();
    source.close(); // idempotent
    int after = pushes.size();
    assertThat(client.getHttpClient().isClosed()).isFalse();

    server = newServer();
    server.init(InetAddress.getLoopbackAddress(), port);
    // the same client still works, and a second source on it sees the stored slice and a new one
    put(slice("inventory-b", "inventory", httpAndMetrics(), ready("10.0.0.2", "")));
    Pushes second = new Pushes();
    KubernetesSource other = inventory();
    try {
      other.start(second, context(timer));
      second.awaitList("both", 0, l -> l.size() == 2);
    } finally {
      server.destroy();
      other.close();
      server = newServer(); // for stop()
      server.init(InetAddress.getLoopbackAddress(), 0);
    }
    assertThat(pushes.size()).isEqualTo(after);
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> KubernetesSource.of(null, NS, "inventory", "http"))
        .isInstanceOf(NullPointerException.class).hasMessage("client: null (expected: non-null)");
    assertThatThrownBy(() -> KubernetesSource.of(client, "Shop", "inventory", "http"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("namespace: \"Shop\" (expected: a DNS label");
    assertThatThrownBy(() -> KubernetesSource.of(client, NS, "inventory.shop", "http"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("service: ");
    assertThatThrownBy(() -> KubernetesSource.of(client, NS, null, "http"))
        .isInstanceOf(NullPointerException.class).hasMessageStartingWith("service: null");
    assertThatThrownBy(() -> KubernetesSource.of(client, NS, "inventory", "-http"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("portName: ");
    assertThatThrownBy(() -> KubernetesSource.builder(client, "inventory")
            .watchCheckInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("watchCheckInterval: PT0S (expected: > 0)");
    // no namespace given: the client's (the mock server's client is configured with "test")
    assertThat(KubernetesSource.builder(client, "inventory").build())
        .hasToString("KubernetesSource[test/inventory]");
    KubernetesSource s = inventory();
    s.start(pushes, context(timer));
    try {
      assertThatThrownBy(() -> s.start(pushes, context(timer)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("not started yet");
    } finally {
      s.close();
    }
  }
}
