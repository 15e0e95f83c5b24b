package io.lbkit.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.Outcome;
import io.lbkit.failover.OutcomeClassifier;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import java.util.List;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What happens to bodies: a retried 5xx's body is read so its connection serves the retry, the
 * caller's last error answer keeps its first bytes, an answer a user classifier rejects is closed
 * before the retry, a 404 is an answer, and fail-safe's fallback.
 */
class BodiesTest {
  private static final String BIG = "busy-".repeat(40_000); // 200 000 bytes
  // Odd arrivals: a 503 with a big body; even ones: 200.
  private final Backend alternating = Backend.start((x, n) -> {
    if (n % 2 == 1) {
      Backend.answer(x, 503, BIG);
    } else {
      Backend.answer(x, 200, "ok");
    }
  });
  private final Backend conflicting = Backend.start(
      (x, n) -> Backend.answer(x, n % 2 == 1 ? 409 : 200, n % 2 == 1 ? "conflict" : "ok"));
  private final Backend missing = Backend.start((x, n) -> Backend.answer(x, 404, "no such item"));
  private LoadBalancer lb;

  @AfterEach
  void tearDown() throws Exception {
    if (lb != null) {
      lb.close();
    }
    for (Backend b : List.of(alternating, conflicting, missing)) {
      b.close();
    }
  }

  private LoadBalancer balancer(Backend backend, OutcomeClassifier classifier, Failover f) {
    lb = LoadBalancer.builder(ServerPool.of(backend.address())).strategy(Strategies.roundRobin())
        .health(HealthConfig.builder().noConsecutiveFailures().noCircuitBreaker()
            .noActiveChecks().build())
        .budget(RetryBudget.unlimited()).classifier(classifier).failover(f).build();
    return lb;
  }

  private static String send(Call.Factory calls) throws Exception {
    try (Response r = calls.newCall(new Request.Builder().url("http://inventory/items/1")
        .build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  @Test
  void aRetried503sBodyIsReadSoItsConnectionServesTheRetry() throws Exception {
    LoadBalancer b = balancer(alternating, OutcomeClassifier.defaults(),
        Failover.retry(2).noBackoff());
    OkHttpClient http = Fixtures.client()
        .addInterceptor(LbInterceptor.builder(b).service("inventory").build()).build();
    assertThat(send(http)).isEqualTo("200 ok");
    assertThat(alternating.arrivals).hasValue(2);
    assertThat(alternating.clientPorts).hasSize(2).containsOnly(alternating.clientPorts.get(0));
    assertThat(http.connectionPool().connectionCount()).isEqualTo(1);
    assertThat(http.connectionPool().idleConnectionCount()).isEqualTo(1);
  }

  @Test
  void theLastErrorAnswerKeepsItsFirstBytesForTheCaller() throws Exception {
    LoadBalancer b = balancer(alternating, OutcomeClassifier.defaults(), Failover.failFast());
    LbCallFactory calls = LbCallFactory.builder(Fixtures.client().build(), b)
        .service("inventory").maxErrorBodyBytes(10).build();
    assertThat(send(calls)).isEqualTo("503 busy-busy-");
    assertThat(send(calls)).isEqualTo("200 ok");
    assertThat(alternating.clientPorts).hasSize(2).containsOnly(alternating.clientPorts.get(0));
  }

  @Test
  void anAnswerAUserClassifierRejectsIsClosedBeforeTheRetry() throws Exception {
    OutcomeClassifier conflictIsFailure = (result, error) ->
        result instanceof Response && ((Response) result).code() == 409 ? Outcome.FAILURE : null;
    LoadBalancer b = balancer(conflicting, conflictIsFailure, Failover.retry(2).noBackoff());
    OkHttpClient http = Fixtures.client()
        .addInterceptor(LbInterceptor.builder(b).service("inventory").build()).build();
    assertThat(send(http)).isEqualTo("200 ok"); // the chain refuses a retry while 409 is open
    LbCallFactory calls = LbCallFactory.builder(http.newBuilder().build(), b)
        .service("inventory").build();
    assertThat(send(calls)).isEqualTo("200 ok");
    assertThat(conflicting.arrivals).hasValue(4);
    // the 409s were closed, and their bodies drained, so one connection served all four
    assertThat(conflicting.clientPorts).containsOnly(conflicting.clientPorts.get(0));
  }

  @Test
  void a404IsAnAnswerReturnedAsItIs() throws Exception {
    LoadBalancer b = balancer(missing, OutcomeClassifier.defaults(),
        Failover.retry(3).noBackoff());
    OkHttpClient http = Fixtures.client()
        .addInterceptor(LbInterceptor.builder(b).service("inventory").build()).build();
    assertThat(send(http)).isEqualTo("404 no such item");
    assertThat(missing.arrivals).hasValue(1);
  }

  @Test
  void failSafeReturnsAResponseFallbackElseTheLastAnswer() throws Exception {
    Failover cached = Failover.failSafe(e -> new Response.Builder()
        .request(new Request.Builder().url("http://inventory/items/1").build())
        .protocol(Protocol.HTTP_1_1).code(200).message("cached")
        .body(ResponseBody.create("stale", null)).build());
    LoadBalancer b = balancer(alternating, OutcomeClassifier.defaults(), cached);
    OkHttpClient http = Fixtures.client()
        .addInterceptor(LbInterceptor.builder(b).service("inventory").build()).build();
    assertThat(send(http)).isEqualTo("200 stale");
    lb.close();

    LoadBalancer plain = balancer(alternating, OutcomeClassifier.defaults(), Failover.failSafe());
    OkHttpClient http2 = Fixtures.client()
        .addInterceptor(LbInterceptor.builder(plain).service("inventory").build()).build();
    assertThat(send(http2)).isEqualTo("200 ok"); // arrival 2
    assertThat(send(http2)).startsWith("503 busy-busy-"); // null fallback: the answer itself
  }
}
