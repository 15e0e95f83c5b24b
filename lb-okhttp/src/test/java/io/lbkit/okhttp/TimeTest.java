package io.lbkit.okhttp;

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
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retry-After as the wait before the retry, and the call timeout as the call's deadline, on a
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
  private final Fixtures.Recorder recorder = new Fixtures.Recorder();
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

  // The balancer's backoff timers (1 s, 7 s) counted as they are set, so that the test moves the
  // clock only once the timer it means to fire exists. The monitor's ticks are not counted.
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

  private LoadBalancer balancer(ServerPool pool, Failover failover) {
    lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .health(HealthConfig.builder().noConsecutiveFailures().noCircuitBreaker()
            .noActiveChecks().build())
        .budget(RetryBudget.unlimited()).failover(failover).ticker(ticker).scheduler(watched)
        .executor(Runnable::run).random(RandomSource.seeded(3)).build();
    return lb;
  }

  /** A client with the interceptor, then the recorder (which sees each attempt). */
  private OkHttpClient intercepted(ServerPool pool, Failover failover, Duration callTimeout) {
    LbInterceptor i = LbInterceptor.builder(balancer(pool, failover)).service("inventory").build();
    return Fixtures.client().addInterceptor(i).addInterceptor(recorder)
        .callTimeout(callTimeout).build();
  }

  private OkHttpClient busyThenOk(Duration callTimeout) {
    return intercepted(ServerPool.of(one.address(), two.address()), Failover.retry(3),
        callTimeout);
  }

  private static Request get() {
    return new Request.Builder().url("http://inventory/items/42").build();
  }

  private static String send(Call.Factory calls) throws IOException {
    try (Response r = calls.newCall(get()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  @Test
  void retryAfterSecondsIsTheWaitBeforeTheRetry() throws Exception {
    assertThat(send(busyThenOk(Duration.ZERO))).isEqualTo("200 ok");
    assertThat(scheduler.sleeps()).containsExactly(TimeUnit.SECONDS.toNanos(7));
    assertThat(arrivals).hasValue(2);
  }

  @Test
  void theCallFactoryWaitsForRetryAfterOnTheScheduler() throws Exception {
    LbCallFactory calls = LbCallFactory.builder(
            Fixtures.client().addInterceptor(recorder).build(),
            balancer(ServerPool.of(one.address(), two.address()), Failover.retry(3)))
        .service("inventory").build();
    CompletableFuture<String> f = new CompletableFuture<>();
    calls.newCall(get()).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        f.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call call, Response response) throws IOException {
        try (response) {
          f.complete(response.body().string());
        }
      }
    });
    assertThat(timers.tryAcquire(30, TimeUnit.SECONDS)).as("the retry's timer").isTrue();
    assertThat(lastTimerNanos).isEqualTo(TimeUnit.SECONDS.toNanos(7));
    scheduler.advance(Duration.ofMillis(6999));
    assertThat(recorder.sent).hasSize(1);
    scheduler.advance(Duration.ofMillis(1)); // the retry starts
    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("ok");
    assertThat(recorder.sent).hasSize(2);
  }

  @Test
  void aRetryAfterPastTheDeadlineEndsTheCallWithThatAnswer() throws Exception {
    OkHttpClient http = busyThenOk(Duration.ofSeconds(5));
    try (Response r = http.newCall(get()).execute()) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.body().string()).isEqualTo("busy"); // the kept body
      assertThat(r.header("Retry-After")).isEqualTo("7");
    }
    assertThat(scheduler.sleeps()).isEmpty();
    assertThat(arrivals).hasValue(1);
  }

  @Test
  void aRetryAfterAboveTheCapEndsTheCallWithThatAnswer() throws Exception {
    retryAfter = "11"; // the default cap is 10 s
    assertThat(send(busyThenOk(Duration.ZERO))).isEqualTo("503 busy");
    assertThat(arrivals).hasValue(1);
  }

  @Test
  void aRetryAfterDateIsReadAgainstTheAnswersDateHeader() {
    Clock clock = Clock.fixed(Instant.parse("2026-12-02T03:00:00Z"), ZoneOffset.UTC);
    assertThat(RetryAfter.nanos(Headers.of("Retry-After", "Wed, 02 Dec 2026 03:00:09 GMT",
        "Date", "Wed, 02 Dec 2026 03:00:04 GMT"), clock)).isEqualTo(5_000_000_000L);
    assertThat(RetryAfter.nanos(Headers.of("Retry-After", "Wed, 02 Dec 2026 03:00:09 GMT"),
        clock)).as("no Date header: the clock").isEqualTo(9_000_000_000L);
    assertThat(RetryAfter.nanos(Headers.of("Retry-After", "Wed, 02 Dec 2026 02:59:00 GMT"),
        clock)).as("in the past").isZero();
    assertThat(RetryAfter.nanos(Headers.of("Retry-After", "120"), clock))
        .isEqualTo(120_000_000_000L);
    assertThat(RetryAfter.nanos(Headers.of("Retry-After", "-1"), clock))
        .isEqualTo(RetryAfter.NONE);
    assertThat(RetryAfter.nanos(Headers.of("Retry-After", "soon"), clock))
        .isEqualTo(RetryAfter.NONE);
    assertThat(RetryAfter.nanos(Headers.of(), clock)).isEqualTo(RetryAfter.NONE);
  }

  @Test
  void noAttemptStartsOnceTheDeadlineIsSpentAndTheLastAnswerStands() throws Exception {
    Failover retry = Failover.retry(3).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
        .jitter(0);
    OkHttpClient http = intercepted(ServerPool.of(failing.address()), retry,
        Duration.ofMillis(1500));
    assertThat(send(http)).isEqualTo("500 down 2"); // 0 s, 1 s; at 2 s nothing is left
    assertThat(recorder.sent).hasSize(2);
  }

  @Test
  void eachFactoryAttemptGetsWhatIsLeftOfTheCallTimeout() throws Exception {
    Failover retry = Failover.retry(3).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
        .jitter(0);
    LbCallFactory calls = LbCallFactory.builder(
            Fixtures.client().addInterceptor(recorder).callTimeout(Duration.ofMillis(2500))
                .build(), balancer(ServerPool.of(failing.address()), retry))
        .service("inventory").build();
    CompletableFuture<String> f = new CompletableFuture<>();
    calls.newCall(get()).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        f.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call call, Response response) throws IOException {
        try (response) {
          f.complete(response.code() + " " + response.body().string());
        }
      }
    });
    for (int wait = 0; wait < 2; wait++) { // two answers, each followed by a 1 s backoff timer
      assertThat(timers.tryAcquire(30, TimeUnit.SECONDS)).as("backoff timer %d", wait).isTrue();
      scheduler.advance(Duration.ofSeconds(1));
    }
    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("500 down 3");
    assertThat(recorder.callTimeoutsNanos).containsExactly(
        2_500_000_000L, 1_500_000_000L, 500_000_000L);
  }

  @Test
  void theAttemptTimeoutCapsEachFactoryAttempt() throws Exception {
    LbCallFactory calls = LbCallFactory.builder(
            Fixtures.client().addInterceptor(recorder).build(),
            balancer(ServerPool.of(failing.address()), Failover.retry(2).noBackoff()))
        .service("inventory").attemptTimeout(Duration.ofMillis(300)).build();
    assertThat(send(calls)).isEqualTo("500 down 2");
    Call withTimeout = calls.newCall(get());
    withTimeout.timeout().timeout(2, TimeUnit.SECONDS);
    withTimeout.execute().close();
    assertThat(recorder.callTimeoutsNanos).hasSize(4).containsOnly(300_000_000L);
  }

  @Test
  void aTimeoutWithNoAnswerEndsWithTheLastError() throws Exception {
    Backend hanging = Backend.hanging();
    try {
      LbCallFactory calls = LbCallFactory.builder(
              Fixtures.client().addInterceptor(recorder).build(),
              balancer(ServerPool.of(hanging.address()), Failover.retry(3).noBackoff()))
          .service("inventory").attemptTimeout(Duration.ofMillis(50)).build();
      assertThatThrownBy(() -> send(calls)).isInstanceOf(InterruptedIOException.class);
      assertThat(recorder.sent).hasSize(3);
    } finally {
      hanging.close();
    }
  }
}
