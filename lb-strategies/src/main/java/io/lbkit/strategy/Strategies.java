package io.lbkit.strategy;

import io.lbkit.Strategy;

/**
 * One factory per selection algorithm. Every strategy returned here builds its structures on the
 * write path and picks without locks or allocation.
 */
public final class Strategies {
  private Strategies() {}

  /** Each candidate in turn; the rotation carries on across pool and health changes. */
  public static Strategy roundRobin() {
    return RoundRobinStrategy.INSTANCE;
  }

  /** A uniformly random candidate. */
  public static Strategy random() {
    return RandomStrategy.INSTANCE;
  }
}
