/** One class per selection algorithm, all reached through {@code io.lbkit.strategy.Strategies}. */
module io.lbkit.strategies {
  requires transitive io.lbkit.core;

  exports io.lbkit.strategy;
}
