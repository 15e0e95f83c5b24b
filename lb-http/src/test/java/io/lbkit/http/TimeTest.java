package io.lbkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.RandomSource;
import io.lbkit.Scheduler;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retry-After as the wait before the retry, and the request timeout as the call's deadline, on a
 * manual clock: the balancer's backoff sleeps on the {@link ManualScheduler}, which moves the
 * {@link ManualTicker} instead of waiting, and records each wait.
 */
class TimeTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final AtomicInteger arrivals = new AtomicInteger(); // over both backends
  private volatile String retryAfter = "7";
  // The first request anywhere is refused with a Retry-After; every later one answers.
  private final Backend.Behaviour firstBusy = (x, n) -> {
    if (arrivals.incrementAndGet() == 1) {
      x.getResponseHeaders().set("Retry-After", retryAfter);
      Backend.answer(x, 503, "busy");
    } else {
      Backend.answer(x, 200, "ok");
    }
  };
  private final Backend one = Backend.start(firstBusy);
  private final Backend two = Backend.start(firstBusy);
  private final Backend failing = Backend.start((x, n) -> Backend.answer(x, 500, "down " + n));
  private final RecordingHttpClient http = new RecordingHttpClient(
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
  private LoadBalancer lb;

  @AfterEach
  void tearDown() throws Exception {
    if (lb != null) {
      lb.close();
    }
    for (Backend b : List.of(one, two, failing)) {
      b.close();
    }
  }

  // The balancer's timers for backoff (1 s, 7 s) counted as they are set, so that the test moves
  // the clock only once the timer it means to fire exists. The monitor's 10 s ticks are not.
  private final Semaphore timers = new Semaphore(0);
  private volatile long lastTimerNanos;
  private final Scheduler watched = new Scheduler() {
    @Override
    public Future<?> schedule(Runnable task, long delayNanos) {
      Future<?> f = scheduler.schedule(task, delayNanos);
      if (delayNanos == TimeUnit.SECONDS.toNanos(1) || delayNanos == TimeUnit.SECONDS.toNanos(7)) {
        lastTimerNanos = delayNanos;
        timers.release();
      }
      return f;
    }

    @Override
    public void sleep(long nanos) {
      scheduler.sleep(nanos);
    }
  };

  private LbHttpClient client(ServerPool pool, Failover failover) {
    lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .health(HealthConfig.builder().noConsecutiveFailures().noCircuitBreaker()
            .noActiveChecks().build())
        .budget(RetryBudget.unlimited()).failover(failover).ticker(ticker).scheduler(watched)
        .executor(Runnable::run).random(RandomSource.seeded(3)).build();
    return LbHttpClient.builder(http, lb).service("inventory").build();
  }

  private LbHttpClient busyThenOk() {
    return client(ServerPool.of(one.address(), two.address()), Failover.retry(3));
  }

  private static HttpRequest get(LbHttpClient c, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(c.uri("lb://inventory/items/42"));
    return (timeout == null ? b : b.timeout(timeout)).build();
  }

  @Test
  void retryAfterSecondsIsTheWaitBeforeTheRetry() throws Exception {
    LbHttpClient c = busyThenOk();
    HttpResponse<String> r = c.send(get(c, null), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("ok");
    assertThat(scheduler.sleeps()).containsExactly(TimeUnit.SECONDS.toNanos(7));
    assertThat(arrivals).hasValue(2);
  }

  @Test
  void asynchronousRetryWaitsForRetryAfterOnTheScheduler() throws Exception {
    LbHttpClient c = busyThenOk();
    CompletableFuture<HttpResponse<String>> f = c.sendAsync(get(c, null), BodyHandlers.ofString());
    // The 503 arrives on the client's thread, which then sets the retry's timer.
    assertThat(timers.tryAcquire(30, TimeUnit.SECONDS)).as("the retry's timer").isTrue();
    assertThat(lastTimerNanos).isEqualTo(TimeUnit.SECONDS.toNanos(7));
    scheduler.advance(Duration.ofMillis(6999));
    assertThat(http.sent).hasSize(1);
    scheduler.advance(Duration.ofMillis(1)); // the retry starts on this thread
    assertThat(http.sent).hasSize(2);
    assertThat(f.get(30, TimeUnit.SECONDS).body()).isEqualTo("ok");
  }

  @Test
  void aRetryAfterPastTheDeadlineEndsTheCallWithThatAnswer() throws Exception {
    LbHttpClient c = busyThenOk();
    HttpResponse<String> r = c.send(get(c, Duration.ofSeconds(5)), BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("busy"); // the kept body, through the caller's handler
    assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(scheduler.sleeps()).isEmpty();
    assertThat(arrivals).hasValue(1);
  }

  @Test
  void aRetryAfterAboveTheCapEndsTheCallWithThatAnswer() throws Exception {
    retryAfter = "11"; // the default cap is 10 s
    LbHttpClient c = busyThenOk();
    assertThat(c.send(get(c, null), BodyHandlers.ofString()).statusCode()).isEqualTo(503);
    assertThat(arrivals).hasValue(1);
  }

  @Test
  void aRetryAfterDateIsReadAgainstTheAnswersDateHeader() {
    Clock clock = Clock.fixed(Instant.parse("2026-12-02T03:00:00Z"), ZoneOffset.UTC);
    assertThat(RetryAfter.nanos(headers(Map.of("Retry-After", "Wed, 02 Dec 2026 03:00:09 GMT",
        "Date", "Wed, 02 Dec 2026 03:00:04 GMT")), clock)).isEqualTo(5_000_000_000L);
    assertThat(RetryAfter.nanos(headers(Map.of("Retry-After", "Wed, 02 Dec 2026 03:00:09 GMT")),
        clock)).as("no Date header: the clock").isEqualTo(9_000_000_000L);
    assertThat(RetryAfter.nanos(headers(Map.of("Retry-After", "Wed, 02 Dec 2026 02:59:00 GMT")),
        clock)).as("in the past").isZero();
    assertThat(RetryAfter.nanos(headers(Map.of("Retry-After", "120")), clock))
        .isEqualTo(120_000_000_000L);
    assertThat(RetryAfter.nanos(headers(Map.of("Retry-After", "-1")), clock))
        .isEqualTo(RetryAfter.NONE);
    assertThat(RetryAfter.nanos(headers(Map.of("Retry-After", "soon")), clock))
        .isEqualTo(RetryAfter.NONE);
    assertThat(RetryAfter.nanos(headers(Map.of()), clock)).isEqualTo(RetryAfter.NONE);
  }

  private static HttpHeaders headers(Map<String, String> values) {
    Map<String, List<String>> m = new java.util.HashMap<>();
    values.forEach((k, v) -> m.put(k, List.of(v)));
    return HttpHeaders.of(m, (k, v) -> true);
  }

  @Test
  void eachAttemptGetsWhatIsLeftOfTheRequestTimeout() throws Exception {
    LbHttpClient c = client(ServerPool.of(failing.address()),
        Failover.retry(3).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).jitter(0));
    HttpResponse<String> r = c.send(get(c, Duration.ofMillis(2500)), BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).isEqualTo("down 3");
    assertThat(http.sent).extracting(q -> q.timeout().orElseThrow()).containsExactly(
        Duration.ofMillis(2500), Duration.ofMillis(1500), Duration.ofMillis(500));
  }

  @Test
  void noAttemptStartsOnceTheDeadlineIsSpentAndTheLastAnswerStands() throws Exception {
    LbHttpClient c = client(ServerPool.of(failing.address()),
        Failover.retry(3).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).jitter(0));
    HttpResponse<String> r = c.send(get(c, Duration.ofMillis(1500)), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("down 2");
    assertThat(http.sent).extracting(q -> q.timeout().orElseThrow())
        .containsExactly(Duration.ofMillis(1500), Duration.ofMillis(500));

    CompletableFuture<HttpResponse<String>> f =
        c.sendAsync(get(c, Duration.ofMillis(1500)), BodyHandlers.ofString());
    for (int wait = 0; wait < 2; wait++) { // two answers, each followed by a 1 s backoff timer
      assertThat(timers.tryAcquire(30, TimeUnit.SECONDS)).as("backoff timer %d", wait).isTrue();
      scheduler.advance(Duration.ofSeconds(1));
    }
    assertThat(f.get(30, TimeUnit.SECONDS).body()).isEqualTo("down 4");
  }

  @Test
  void theAttemptTimeoutCapsEachAttempt() throws Exception {
    LbHttpClient c = client(ServerPool.of(failing.address()), Failover.retry(2).noBackoff());
    LbHttpClient capped = LbHttpClient.builder(http, lb).service("inventory")
        .attemptTimeout(Duration.ofMillis(300)).build();
    capped.send(get(c, Duration.ofSeconds(2)), BodyHandlers.discarding());
    capped.send(get(c, null), BodyHandlers.discarding());
    assertThat(http.sent).extracting(q -> q.timeout().orElseThrow())
        .containsOnly(Duration.ofMillis(300));
    assertThat(http.sent).hasSize(4);
  }

  @Test
  void aTimeoutWithNoAnswerEndsWithTheLastError() {
    Backend hanging = Backend.hanging();
    try {
      LbHttpClient c = client(ServerPool.of(hanging.address()), Failover.retry(3).noBackoff());
      LbHttpClient capped = LbHttpClient.builder(http, lb).service("inventory")
          .attemptTimeout(Duration.ofMillis(50)).build();
      assertThatThrownBy(() -> capped.send(get(c, Duration.ofSeconds(5)),
          BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
      assertThat(http.sent).hasSize(3);
    } finally {
      try {
        hanging.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
