package io.lbkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.OutcomeClassifier;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** POSTs reach a server at most once, unless it proves it never saw them. */
class NonIdempotentTest {
  private static final int CALLS = 30;
  private final Backend ok = Backend.ok("created");
  private final Backend unavailable = Backend.start((x, n) -> Backend.answer(x, 503, "shed"));
  private final Backend broken = Backend.start((x, n) -> Backend.answer(x, 500, "oops"));
  private final RecordingHttpClient http = new RecordingHttpClient(
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());

  @AfterEach
  void tearDown() throws Exception {
    for (Backend b : List.of(ok, unavailable, broken)) {
      b.close();
    }
  }

  /** A port nothing listens on: connections to it are refused. */
  private static Server refusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return Server.of("127.0.0.1", s.getLocalPort());
    }
  }

  private LoadBalancer balancer(ServerPool pool, OutcomeClassifier classifier) {
    return LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .health(HealthConfig.builder().noConsecutiveFailures().noSuccessRate()
            .noFailurePercentage().noLatency().noCircuitBreaker().noActiveChecks().build())
        .budget(RetryBudget.unlimited()).classifier(classifier)
        .failover(Failover.retry(3).noBackoff()).build();
  }

  private static HttpRequest post(LbHttpClient client, int id) {
    return HttpRequest.newBuilder(client.uri("lb://orders/orders"))
        .header("X-Request-Id", "order-" + id).timeout(Duration.ofSeconds(5))
        .POST(BodyPublishers.ofString("order " + id)).build();
  }

  @Test
  void postsThatReachedAServerAreNeverSentAgain() throws Exception {
    ServerPool pool = ServerPool.of(ok.address(), unavailable.address(), broken.address());
    int created = 0;
    int errors = 0;
    try (LoadBalancer lb = balancer(pool, OutcomeClassifier.defaults())) {
      LbHttpClient client = LbHttpClient.builder(http, lb).service("orders").build();
      for (int i = 0; i < CALLS; i++) {
        HttpResponse<String> r = client.send(post(client, i), BodyHandlers.ofString());
        if (r.statusCode() == 201 || r.statusCode() == 200) {
          created++;
        } else {
          errors++;
          assertThat(r.body()).isIn("shed", "oops"); // the error body, handed to the caller
        }
      }
    }
    for (int i = 0; i < CALLS; i++) {
      String id = "order-" + i;
      assertThat(ok.arrivals(id) + unavailable.arrivals(id) + broken.arrivals(id))
          .as("arrivals of %s", id).isEqualTo(1);
    }
    assertThat(http.sent).hasSize(CALLS); // one attempt per call: nothing retried
    assertThat(created).isEqualTo(ok.arrivals.get());
    assertThat(errors).isEqualTo(unavailable.arrivals.get() + broken.arrivals.get());
    assertThat(ok.arrivals.get()).isEqualTo(10); // round robin over three
  }

  @Test
  void aPostToARefusedPortIsRetriedOnAnotherServer() throws Exception {
    Server refused = refusedPort();
    ServerPool pool = ServerPool.of(refused, ok.address());
    try (LoadBalancer lb = balancer(pool, OutcomeClassifier.defaults())) {
      LbHttpClient client = LbHttpClient.builder(http, lb).service("orders").build();
      for (int i = 0; i < CALLS; i++) {
        assertThat(client.send(post(client, i), BodyHandlers.ofString()).body())
            .isEqualTo("created");
      }
    }
    for (int i = 0; i < CALLS; i++) {
      assertThat(ok.arrivals("order-" + i)).isEqualTo(1);
    }
    long toRefused = http.sent.stream().filter(r -> r.uri().getPort() == refused.port()).count();
    // Round robin reaches the refused port on every second pick at least; each such attempt was
    // followed by one on the other server.
    assertThat(toRefused).as("attempts on the refused port").isGreaterThanOrEqualTo(CALLS / 2);
    assertThat(http.sent).hasSize(CALLS + (int) toRefused);
  }

  @Test
  void a503TheServiceCallsNotProcessedIsRetriedEvenForAPost() throws Exception {
    ServerPool pool = ServerPool.of(unavailable.address(), ok.address());
    try (LoadBalancer lb = balancer(pool, HttpClassifier.notProcessed(503))) {
      LbHttpClient client = LbHttpClient.builder(http, lb).service("orders").build();
      for (int i = 0; i < CALLS; i++) {
        assertThat(client.send(post(client, i), BodyHandlers.ofString()).body())
            .isEqualTo("created");
      }
    }
    for (int i = 0; i < CALLS; i++) {
      assertThat(ok.arrivals("order-" + i)).isEqualTo(1);
    }
    assertThat(unavailable.arrivals.get()).isGreaterThanOrEqualTo(CALLS / 2)
        .isEqualTo(http.sent.size() - CALLS);
  }

  @Test
  void anIdempotencyKeyMakesAPostRetriable() throws Exception {
    ServerPool pool = ServerPool.of(broken.address(), ok.address());
    try (LoadBalancer lb = balancer(pool, OutcomeClassifier.defaults())) {
      LbHttpClient client = LbHttpClient.builder(http, lb).service("orders").build();
      for (int i = 0; i < CALLS; i++) {
        HttpRequest keyed = HttpRequest.newBuilder(post(client, i), (n, v) -> true)
            .header(LbHttpClient.IDEMPOTENCY_KEY, "key-" + i).build();
        assertThat(client.send(keyed, BodyHandlers.ofString()).body()).isEqualTo("created");
      }
    }
    assertThat(broken.arrivals.get()).isGreaterThanOrEqualTo(CALLS / 2)
        .isEqualTo(http.sent.size() - CALLS);
    assertThat(ok.arrivals.get()).isEqualTo(CALLS);
  }

  @Test
  void idempotencyFollowsRfc9110() {
    HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create("http://orders/x"));
    for (String m : List.of("GET", "HEAD", "OPTIONS", "TRACE")) {
      io.lbkit.Request r = LbHttpClient.requestFor(b.method(m, BodyPublishers.noBody()).build());
      assertThat(r.isIdempotent()).as(m).isTrue();
      assertThat(r.isWrite()).as(m).isFalse();
    }
    for (String m : List.of("PUT", "DELETE")) {
      io.lbkit.Request r = LbHttpClient.requestFor(b.method(m, BodyPublishers.noBody()).build());
      assertThat(r.isIdempotent()).as(m).isTrue();
      assertThat(r.isWrite()).as(m).isTrue();
    }
    for (String m : List.of("POST", "PATCH", "PROPFIND", "get")) {
      io.lbkit.Request r = LbHttpClient.requestFor(b.method(m, BodyPublishers.noBody()).build());
      assertThat(r.isIdempotent()).as(m).isFalse();
    }
    assertThat(LbHttpClient.requestFor(b.method("PATCH", BodyPublishers.noBody())
        .header("idempotency-key", "k").build()).isIdempotent()).isTrue();
  }
}
