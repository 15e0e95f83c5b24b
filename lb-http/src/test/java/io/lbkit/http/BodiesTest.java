package io.lbkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.Outcome;
import io.lbkit.failover.OutcomeClassifier;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bodies of answers that are retried are read or closed, so their connections are freed. */
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
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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

  private LbHttpClient client(Backend backend, OutcomeClassifier classifier, int maxBody) {
    lb = LoadBalancer.builder(ServerPool.of(backend.address())).strategy(Strategies.roundRobin())
        .health(HealthConfig.builder().noConsecutiveFailures().noCircuitBreaker()
            .noActiveChecks().build())
        .budget(RetryBudget.unlimited()).classifier(classifier)
        .failover(Failover.retry(2).noBackoff()).build();
    return LbHttpClient.builder(http, lb).service("inventory").maxErrorBodyBytes(maxBody).build();
  }

  private static HttpRequest get(LbHttpClient c) {
    return HttpRequest.newBuilder(c.uri("lb://inventory/stock")).build();
  }

  @Test
  void aRetriedErrorBodyIsReadSoTheRetryReusesTheConnection() throws Exception {
    LbHttpClient c = client(alternating, OutcomeClassifier.defaults(), 1024);
    assertThat(c.send(get(c), BodyHandlers.ofString()).body()).isEqualTo("ok");
    assertThat(alternating.clientPorts).hasSize(2);
    assertThat(alternating.clientPorts.get(1)).as("the retry's connection")
        .isEqualTo(alternating.clientPorts.get(0));
  }

  @Test
  void theLastErrorAnswerReachesTheCallersHandlerCutToTheLimit() throws Exception {
    LbHttpClient c = client(alternating, OutcomeClassifier.defaults(), 12);
    LbHttpClient once = LbHttpClient.builder(http, LoadBalancer.builder(
            ServerPool.of(alternating.address())).strategy(Strategies.roundRobin()).build())
        .service("inventory").maxErrorBodyBytes(12).build();
    HttpResponse<byte[]> r = once.send(get(c), BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(new String(r.body())).isEqualTo("busy-busy-bu");
    assertThat(r.uri().getPort()).isEqualTo(alternating.port());
    HttpResponse<String> async = once.sendAsync(get(c), BodyHandlers.ofString()).get();
    assertThat(async.statusCode()).isEqualTo(200); // the second arrival
    once.balancer().close();
  }

  @Test
  void aStreamedAnswerTheClassifierRetriesIsClosed() throws Exception {
    List<HttpResponse<?>> seen = new CopyOnWriteArrayList<>();
    OutcomeClassifier conflictFails = (result, error) -> {
      if (result instanceof HttpResponse) {
        seen.add((HttpResponse<?>) result);
        return ((HttpResponse<?>) result).statusCode() == 409 ? Outcome.FAILURE : null;
      }
      return null;
    };
    LbHttpClient c = client(conflicting, conflictFails, 1024);
    HttpResponse<InputStream> r = c.send(get(c), BodyHandlers.ofInputStream());
    try (InputStream body = r.body()) {
      assertThat(new String(body.readAllBytes())).isEqualTo("ok");
    }
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).statusCode()).isEqualTo(409);
    InputStream lost = (InputStream) seen.get(0).body();
    assertThatThrownBy(lost::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
  }

  @Test
  void aNotFoundIsAHealthyAnswerReturnedAsItIs() throws Exception {
    LbHttpClient c = client(missing, OutcomeClassifier.defaults(), 1024);
    HttpResponse<String> r = c.send(get(c), BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("no such item");
    assertThat(missing.arrivals.get()).as("not retried").isEqualTo(1);
    assertThat(lb.tracker().stats(missing.address()).requests()).isEqualTo(1);
    assertThat(lb.tracker().stats(missing.address()).failures()).isZero();
  }
}
