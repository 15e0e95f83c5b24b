/**
 * The lbkit API: servers, pools, selectors, the health-tracking contract, time and randomness
 * ({@code io.lbkit}), and the picker SPI strategies implement ({@code io.lbkit.spi}).
 *
 * <p>{@code io.lbkit.internal} holds the selector machinery and helpers lbkit's other modules
 * share; it is exported to them only, never to applications.
 */
module io.lbkit.core {
  requires org.slf4j;

  exports io.lbkit;
  exports io.lbkit.spi;
  exports io.lbkit.internal to
      io.lbkit.testing,
      io.lbkit.strategies,
      io.lbkit.health,
      io.lbkit.discovery,
      io.lbkit.zookeeper,
      io.lbkit.kubernetes,
      io.lbkit.http,
      io.lbkit.okhttp,
      io.lbkit.grpc;
}
