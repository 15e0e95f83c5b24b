/**
 * Service discovery for lbkit: {@code io.lbkit.discovery}, the {@code ServerSource} SPI, its
 * sources (static, file, DNS, polling) and the {@code Discovery} binder that keeps a {@code
 * ServerPool} in step with one.
 *
 * <p>Transitive on {@code io.lbkit.core}, whose {@code Server}, {@code ServerPool}, {@code
 * Scheduler} and {@code Ticker} this API shows. dnsjava ({@code org.dnsjava}) is used inside only:
 * no dnsjava type appears in this module's API.
 */
module io.lbkit.discovery {
  requires transitive io.lbkit.core;
  requires org.dnsjava;
  requires org.slf4j;

  exports io.lbkit.discovery;
}
