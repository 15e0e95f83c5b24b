/**
 * Kubernetes discovery for lbkit: {@code io.lbkit.kubernetes}, a {@code ServerSource} on the
 * EndpointSlices ({@code discovery.k8s.io/v1}) of a Service ({@code KubernetesSource}).
 *
 * <p>Transitive on {@code io.lbkit.discovery} (the SPI the source implements) and on fabric8's
 * client API, whose {@code KubernetesClient} this API takes. fabric8 8.0.0 ships no {@code
 * module-info} and, apart from {@code kubernetes-httpclient-jdk}, no {@code
 * Automatic-Module-Name}: its jars are automatic modules named from their file names ({@code
 * kubernetes-client-api-8.0.0.jar} is {@code kubernetes.client.api}), which works on the module
 * path (no two of its jars share a package) as long as the jars keep Maven's file names. The
 * client implementation ({@code kubernetes-client}) and the JDK HTTP transport are found by
 * fabric8 at run time, through {@code ServiceLoader} and reflection, not required here.
 */
module io.lbkit.kubernetes {
  requires transitive io.lbkit.discovery;
  requires transitive kubernetes.client.api;
  // the EndpointSlice model and the ObjectMeta/ObjectReference it holds
  requires kubernetes.model.discovery;
  requires kubernetes.model.core;
  requires org.slf4j;

  exports io.lbkit.kubernetes;
}
