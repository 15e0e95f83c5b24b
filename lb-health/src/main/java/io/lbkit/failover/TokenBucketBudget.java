package io.lbkit.failover;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * gRPC's retry throttling (gRFC A6, grpc-java {@code RetriableStream.Throttle}).
 *
 * <pre>
 * Tokens are held in thousandths as one int, so every update is a single CAS and the count is
 * exact to three decimals:
 *   start:      tokens = max
 *   failure:    tokens = max(tokens - 1000, 0)      (no change when already 0)
 *   success:    tokens = min(tokens + ratio, max)   (no change when already max)
 *   may retry:  tokens > max / 2                    (integer division, as gRPC)
 * Every CAS publishes a clamped value, so no interleaving of threads can leave [0, max].
 * </pre>
 */
final class TokenBucketBudget extends RetryBudget {
  private static final int SCALE = 1000;

  private final int max;
  private final int ratio;
  private final int threshold;
  private final AtomicInteger tokens;

  TokenBucketBudget(double maxTokens, double tokenRatio) {
    this.max = (int) Math.round(maxTokens * SCALE);
    this.ratio = Math.max(1, (int) Math.round(tokenRatio * SCALE));
    this.threshold = max / 2;
    this.tokens = new AtomicInteger(max);
  }

  @Override
  public void onRequest() {}

  @Override
  public void onSuccess() {
    while (true) {
      int current = tokens.get();
      if (current == max) {
        return;
      }
      if (tokens.compareAndSet(current, Math.min(current + ratio, max))) {
        return;
      }
    }
  }

  @Override
  public void onFailure() {
    while (true) {
      int current = tokens.get();
      if (current == 0) {
        return;
      }
      if (tokens.compareAndSet(current, Math.max(current - SCALE, 0))) {
        return;
      }
    }
  }

  @Override
  public boolean tryAcquire() {
    return tokens.get() > threshold;
  }

  /** The tokens now, to three decimals. */
  double tokens() {
    return tokens.get() / (double) SCALE;
  }

  /** The tokens now, in thousandths. */
  int scaledTokens() {
    return tokens.get();
  }

  double maxTokens() {
    return max / (double) SCALE;
  }

  @Override
  public String toString() {
    return "RetryBudget.tokenBucket(max=" + maxTokens() + ", ratio=" + ratio / (double) SCALE
        + ", tokens=" + tokens() + ")";
  }
}
