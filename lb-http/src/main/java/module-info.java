/**
 * A load-balanced {@code java.net.http} client for lbkit: {@code io.lbkit.http}'s {@code
 * LbHttpClient} sends each attempt of a request to the server an lbkit {@code LoadBalancer}
 * chooses, and {@code HttpClassifier} holds the HTTP outcome rules a service may add.
 *
 * <p>Transitive on {@code io.lbkit.health} (the balancer this API takes) and on {@code
 * java.net.http} (the client, requests and responses it takes and returns). JDK only otherwise.
 */
module io.lbkit.http {
  requires transitive io.lbkit.health;
  requires transitive java.net.http;
  requires org.slf4j;

  exports io.lbkit.http;
}
