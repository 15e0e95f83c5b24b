package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  /** The sequence of grpc-java's RetriableStreamTest.throttle(), step by step. */
  @Test
  void tokenBucketFollowsGrpcRetryThrottling() {
    TokenBucketBudget b = (TokenBucketBudget) RetryBudget.tokenBucket(4, 0.8);
    assertThat(b.tokens()).isEqualTo(4.0);
    assertThat(b.tryAcquire()).isTrue();
    b.onFailure();
    assertThat(b.tokens()).isEqualTo(3.0);
    assertThat(b.tryAcquire()).isTrue();
    b.onFailure();
    assertThat(b.tokens()).isEqualTo(2.0);
    assertThat(b.tryAcquire()).as("retries stop at <= max/2").isFalse();
    b.onFailure();
    assertThat(b.tokens()).isEqualTo(1.0);
    b.onFailure();
    assertThat(b.tokens()).isEqualTo(0.0);
    b.onFailure();
    b.onFailure();
    assertThat(b.tokens()).as("never below 0").isEqualTo(0.0);
    assertThat(b.tryAcquire()).isFalse();

    b.onSuccess();
    assertThat(b.tokens()).isEqualTo(0.8);
    assertThat(b.tryAcquire()).isFalse();
    b.onSuccess();
    assertThat(b.tokens()).isEqualTo(1.6);
    assertThat(b.tryAcquire()).isFalse();
    b.onSuccess();
    assertThat(b.tokens()).isEqualTo(2.4);
    assertThat(b.tryAcquire()).as("resumes once tokens exceed 2").isTrue();
    b.onSuccess();
    assertThat(b.tokens()).isEqualTo(3.2);
    b.onSuccess();
    assertThat(b.tokens()).isEqualTo(4.0);
    b.onSuccess();
    assertThat(b.tokens()).as("never above max").isEqualTo(4.0);
    assertThat(b.tryAcquire()).isTrue();

    b.onFailure();
    assertThat(b.tokens()).isEqualTo(3.0);
    assertThat(b.tryAcquire()).isTrue();
    b.onFailure();
    assertThat(b.tokens()).isEqualTo(2.0);
    assertThat(b.tryAcquire()).isFalse();
  }

  @Test
  void tokenBucketStaysWithinZeroAndMaxUnderTwoThreads() throws Exception {
    TokenBucketBudget b = (TokenBucketBudget) RetryBudget.tokenBucket(4, 0.8);
    int max = 4_000;
    AtomicInteger outside = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[2];
    for (int t = 0; t < threads.length; t++) {
      long seed = t;
      threads[t] = new Thread(() -> {
        SplittableRandom r = new SplittableRandom(seed);
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1_000_000; i++) {
          if (r.nextInt(100) < 45) {
            b.onFailure();
          } else {
            b.onSuccess();
          }
          int tokens = b.scaledTokens();
          if (tokens < 0 || tokens > max) {
            outside.incrementAndGet();
          }
        }
      });
      threads[t].start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(outside).hasValue(0);
    assertThat(b.scaledTokens()).isBetween(0, max);
  }

  @Test
  void percentageBudgetAllowsTwentyPercentOfCallsPlusTheFloor() {
    ManualTicker ticker = new ManualTicker();
    PercentageBudget b = (PercentageBudget) RetryBudget.percentage(0.2, 1,
        Duration.ofSeconds(10), ticker);
    // Floor: 1/s over 10 s = 10 extra attempts before any call.
    assertThat(b.balanceTokens()).isEqualTo(10.0);
    for (int i = 0; i < 100; i++) {
      b.onRequest();
    }
    int granted = 0;
    while (b.tryAcquire()) {
      granted++;
    }
    assertThat(granted).isEqualTo(30); // 20% of 100 + 10
    ticker.advance(Duration.ofSeconds(11));
    assertThat(b.balanceTokens()).as("calls and retries expire after the ttl").isEqualTo(10.0);
  }

  @Test
  void percentageBudgetExpiresItsWindowAcrossTheTickerWrap() {
    ManualTicker ticker = new ManualTicker(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());
    PercentageBudget b = (PercentageBudget) RetryBudget.percentage(0.2, 1,
        Duration.ofSeconds(10), ticker);
    for (int i = 0; i < 100; i++) {
      b.onRequest();
    }
    ticker.advance(Duration.ofSeconds(6)); // the reading has wrapped; the calls are 6 s old
    assertThat(b.balanceTokens()).isEqualTo(30.0);
    int granted = 0;
    while (b.tryAcquire()) {
      granted++;
    }
    assertThat(granted).isEqualTo(30);
    ticker.advance(Duration.ofSeconds(11));
    assertThat(b.balanceTokens()).as("calls and retries expire after the ttl").isEqualTo(10.0);
  }

  @Test
  void badBudgetSettingsNameTheField() {
    assertThatThrownBy(() -> RetryBudget.tokenBucket(4, 0))
        .hasMessage("tokenRatio: 0.0 (expected: in [0.001, maxTokens])");
    assertThatThrownBy(() -> RetryBudget.tokenBucket(0, 0.5))
        .hasMessage("maxTokens: 0.0 (expected: in [0.001, 1000])");
    // Tokens are kept to three decimals: a bucket that rounds to nothing would never retry.
    assertThatThrownBy(() -> RetryBudget.tokenBucket(0.0001, 0.0001))
        .hasMessage("maxTokens: 1.0E-4 (expected: in [0.001, 1000])");
    assertThatThrownBy(() -> RetryBudget.percentage(-0.1, 10, Duration.ofSeconds(10)))
        .hasMessage("percent: -0.1 (expected: in [0, 1000])");
    assertThatThrownBy(() -> RetryBudget.percentage(0.2, -1, Duration.ofSeconds(10)))
        .hasMessage("minRetriesPerSecond: -1 (expected: >= 0)");
    assertThatThrownBy(() -> RetryBudget.percentage(0.2, 10, Duration.ZERO))
        .hasMessage("ttl: PT0S (expected: in [1s, 60s])");
  }
}
