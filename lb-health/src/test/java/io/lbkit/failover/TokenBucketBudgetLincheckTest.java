package io.lbkit.failover;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Model-checked (issue 13): in every interleaving the checker reaches, token updates and acquires
 * are linearizable to gRPC's sequential bucket. A lost update would let the bucket grant retries
 * its failures had already spent, or refuse ones its successes had earned.
 */
public class TokenBucketBudgetLincheckTest { // public, with its members: Lincheck reflects
  // max 3 tokens, +0.5 per success, -1 per failure, retries while above 1.5: a few operations
  // cross the threshold and both clamps.
  private final TokenBucketBudget budget = new TokenBucketBudget(3, 0.5);

  public TokenBucketBudgetLincheckTest() {}

  @Operation
  public void onSuccess() {
    budget.onSuccess();
  }

  @Operation
  public void onFailure() {
    budget.onFailure();
  }

  @Operation
  public boolean tryAcquire() {
    return budget.tryAcquire();
  }

  @Operation
  public int tokens() {
    return budget.scaledTokens();
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .sequentialSpecification(Bucket.class)
        .iterations(8)
        .invocationsPerIteration(150)
        .threads(3)
        .actorsPerThread(3)
        .check(getClass());
  }

  /** gRFC A6 on one thread, in thousandths: the specification, written independently. */
  public static final class Bucket {
    public Bucket() {}

    private static final int MAX = 3000;
    private int tokens = MAX;

    public void onSuccess() {
      tokens = Math.min(tokens + 500, MAX);
    }

    public void onFailure() {
      tokens = Math.max(tokens - 1000, 0);
    }

    public boolean tryAcquire() {
      return tokens > MAX / 2;
    }

    public int tokens() {
      return tokens;
    }
  }
}
