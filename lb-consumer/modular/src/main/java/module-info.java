/** An application that uses lbkit as named modules, the way a JPMS user does. */
module io.lbkit.consumer.modular {
  requires io.lbkit.health;
  requires io.lbkit.strategies;
  requires io.lbkit.discovery;
}
