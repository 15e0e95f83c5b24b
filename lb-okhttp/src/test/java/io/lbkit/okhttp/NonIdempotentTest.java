package io.lbkit.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.OutcomeClassifier;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * POSTs under {@code retry(3)}: never sent again once they reached a server (whatever it
 * answered), retried elsewhere when the connection was refused or the service says its 503 means
 * "not processed", and retried like a GET with an Idempotency-Key or an explicit lbkit Request.
 */
class NonIdempotentTest {
  private static final int CALLS = 30;
  private static final MediaType TEXT = MediaType.get("text/plain");
  private final Backend ok = Backend.ok("created");
  private final Backend unavailable = Backend.start((x, n) -> Backend.answer(x, 503, "shed"));
  private final Backend broken = Backend.start((x, n) -> Backend.answer(x, 500, "oops"));
  private final Fixtures.Recorder recorder = new Fixtures.Recorder();

  @AfterEach
  void tearDown() throws Exception {
    for (Backend b : List.of(ok, unavailable, broken)) {
      b.close();
    }
  }

  private static LoadBalancer balancer(ServerPool pool, OutcomeClassifier classifier) {
    return LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .health(HealthConfig.builder().noConsecutiveFailures().noSuccessRate()
            .noFailurePercentage().noLatency().noCircuitBreaker().noActiveChecks().build())
        .budget(RetryBudget.unlimited()).classifier(classifier)
        .failover(Failover.retry(3).noBackoff()).build();
  }

  /** OkHttp's own silent retry on a failed connection is off, so only lbkit may repeat. */
  private OkHttpClient client(LbInterceptor lb) {
    return Fixtures.client().addInterceptor(lb).addInterceptor(recorder)
        .retryOnConnectionFailure(false).build();
  }

  private static Request.Builder post(LbInterceptor lb, int id) {
    return new Request.Builder().url(lb.url("lb://orders/orders"))
        .header("X-Request-Id", "order-" + id).post(RequestBody.create("order " + id, TEXT));
  }

  private static String send(OkHttpClient http, Request r) throws Exception {
    try (Response response = http.newCall(r).execute()) {
      return response.code() + " " + response.body().string();
    }
  }

  @Test
  void postsThatReachedAServerAreNeverSentAgain() throws Exception {
    ServerPool pool = ServerPool.of(ok.address(), unavailable.address(), broken.address());
    int created = 0;
    int errors = 0;
    try (LoadBalancer lb = balancer(pool, OutcomeClassifier.defaults())) {
      LbInterceptor orders = LbInterceptor.builder(lb).service("orders").build();
      OkHttpClient http = client(orders);
      for (int i = 0; i < CALLS; i++) {
        String answer = send(http, post(orders, i).build());
        if (answer.equals("200 created")) {
          created++;
        } else {
          errors++;
          assertThat(answer).isIn("503 shed", "500 oops"); // the error body, for the caller
        }
      }
    }
    for (int i = 0; i < CALLS; i++) {
      String id = "order-" + i;
      assertThat(ok.arrivals(id) + unavailable.arrivals(id) + broken.arrivals(id))
          .as("arrivals of %s", id).isEqualTo(1);
    }
    assertThat(recorder.sent).hasSize(CALLS); // one attempt per call: nothing retried
    assertThat(created).isEqualTo(ok.arrivals.get()).isEqualTo(10); // round robin over three
    assertThat(errors).isEqualTo(unavailable.arrivals.get() + broken.arrivals.get());
  }

  @Test
  void aPostToARefusedPortIsRetriedOnAnotherServer() throws Exception {
    Server refused = Fixtures.refusedPort();
    try (LoadBalancer lb = balancer(ServerPool.of(refused, ok.address()),
        OutcomeClassifier.defaults())) {
      LbInterceptor orders = LbInterceptor.builder(lb).service("orders").build();
      OkHttpClient http = client(orders);
      for (int i = 0; i < CALLS; i++) {
        assertThat(send(http, post(orders, i).build())).isEqualTo("200 created");
      }
    }
    for (int i = 0; i < CALLS; i++) {
      assertThat(ok.arrivals("order-" + i)).isEqualTo(1);
    }
    long toRefused = recorder.toPort(refused.port());
    assertThat(toRefused).as("attempts on the refused port").isGreaterThanOrEqualTo(CALLS / 2);
    assertThat(recorder.sent).hasSize(CALLS + (int) toRefused);
  }

  @Test
  void a503TheServiceCallsNotProcessedIsRetriedEvenForAPost() throws Exception {
    try (LoadBalancer lb = balancer(ServerPool.of(unavailable.address(), ok.address()),
        OkHttpClassifier.notProcessed(503))) {
      LbInterceptor orders = LbInterceptor.builder(lb).service("orders").build();
      OkHttpClient http = client(orders);
      for (int i = 0; i < CALLS; i++) {
        assertThat(send(http, post(orders, i).build())).isEqualTo("200 created");
      }
    }
    for (int i = 0; i < CALLS; i++) {
      assertThat(ok.arrivals("order-" + i)).isEqualTo(1);
    }
    assertThat(unavailable.arrivals.get()).isGreaterThanOrEqualTo(CALLS / 2)
        .isEqualTo(recorder.sent.size() - CALLS);
  }

  @Test
  void anIdempotencyKeyOrAnExplicitRequestMakesAPostRetriable() throws Exception {
    try (LoadBalancer lb = balancer(ServerPool.of(broken.address(), ok.address()),
        OutcomeClassifier.defaults())) {
      LbInterceptor orders = LbInterceptor.builder(lb).service("orders").build();
      OkHttpClient http = client(orders);
      for (int i = 0; i < CALLS; i++) {
        Request.Builder b = post(orders, i);
        if (i % 2 == 0) {
          b.header(LbInterceptor.IDEMPOTENCY_KEY, "key-" + i);
        } else {
          b.tag(io.lbkit.Request.class, io.lbkit.Request.builder().idempotent(true).build());
        }
        assertThat(send(http, b.build())).isEqualTo("200 created");
      }
    }
    assertThat(broken.arrivals.get()).isGreaterThanOrEqualTo(CALLS / 2)
        .isEqualTo(recorder.sent.size() - CALLS);
    assertThat(ok.arrivals.get()).isEqualTo(CALLS);
  }

  @Test
  void idempotencyFollowsRfc9110() {
    Request.Builder b = new Request.Builder().url("http://orders/x");
    RequestBody body = RequestBody.create("x", TEXT);
    for (String m : List.of("GET", "HEAD", "OPTIONS", "TRACE")) {
      io.lbkit.Request r = LbInterceptor.requestFor(b.method(m, null).build());
      assertThat(r.isIdempotent()).as(m).isTrue();
      assertThat(r.isWrite()).as(m).isFalse();
    }
    for (String m : List.of("PUT", "DELETE")) {
      io.lbkit.Request r = LbInterceptor.requestFor(b.method(m, body).build());
      assertThat(r.isIdempotent()).as(m).isTrue();
      assertThat(r.isWrite()).as(m).isTrue();
    }
    for (String m : List.of("POST", "PATCH", "PROPFIND", "get")) {
      io.lbkit.Request r = LbInterceptor.requestFor(b.method(m, body).build());
      assertThat(r.isIdempotent()).as(m).isFalse();
      assertThat(r.isWrite()).as(m).isTrue();
    }
    assertThat(LbInterceptor.requestFor(b.method("PATCH", body)
        .header("idempotency-key", "k").build()).isIdempotent()).isTrue();
    io.lbkit.Request explicit = io.lbkit.Request.withKey("user-42");
    assertThat(LbInterceptor.requestFor(b.method("POST", body)
        .tag(io.lbkit.Request.class, explicit).build())).isSameAs(explicit);
  }
}
