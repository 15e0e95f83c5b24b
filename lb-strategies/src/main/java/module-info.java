/** One class per selection algorithm, all reached through {@code io.lbkit.strategy.Strategies}. */
module io.lbkit.strategies {
  requires transitive io.lbkit.core;
  requires org.slf4j; // the prequal probe task logs what a prober or scheduler refused

  exports io.lbkit.strategy;
}
