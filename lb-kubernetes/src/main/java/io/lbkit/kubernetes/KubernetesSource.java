package io.lbkit.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.lbkit.Server;
import io.lbkit.discovery.ServerSource;
import io.lbkit.internal.Checks;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServerSource} on the EndpointSlices ({@code discovery.k8s.io/v1}) of one Kubernetes
 * Service: the slices labelled {@value #SERVICE_NAME_LABEL}{@code =<service>} in its namespace,
 * watched through a fabric8 informer, all of them merged into one list that is pushed whole on
 * every change.
 *
 * <pre>{@code
 * ServerSource source = KubernetesSource.of(client, "shop", "inventory", "http");
 * }</pre>
 *
 * <p>What the slices become:
 *
 * <ul>
 *   <li>A server per address of every ready endpoint ({@code conditions.ready} true or absent),
 *       {@code host} the address (an IPv6 one in brackets, {@code [2001:db8::1]}), the port the
 *       slice's port of the {@linkplain Builder#portName chosen name}, {@code id} {@code
 *       host:port}.
 *   <li>An endpoint that is terminating but still serving (not ready, {@code serving} true or
 *       absent, {@code terminating} true) stays listed drained, weight 0: it takes no new calls
 *       and finishes those in flight. Any other not-ready endpoint is left out.
 *   <li>The endpoint's {@code zone} becomes {@link Server#zone()}, so {@code
 *       Strategies.zoneAware(...)} works from Kubernetes. Its {@code nodeName}, {@code hostname}
 *       and the name of the pod behind it (its {@code targetRef}) become the metadata {@code
 *       nodeName}, {@code hostname} and {@code pod}, where present.
 *   <li>A slice without the port contributes nothing (nor does one with several ports when no
 *       name is given: logged at WARN); FQDN slices contribute nothing. An address listed by two
 *       slices (while endpoints move between slices) is one server, ready preferred to drained.
 * </ul>
 *
 * <p>Kubernetes trouble never empties the list. A failed list or watch call is reported to the
 * listener as a failure (the binder keeps the last good list) and retried by the informer with
 * backoff; a watch that is down (the API server unreachable, the connection dropped) is reported
 * once it has been seen down at two {@linkplain Builder#watchCheckInterval checks} in a row.
 * Nothing is pushed while the watch is down; when it is back, and after every re-list, the whole
 * current list is pushed again. A deleted slice takes its endpoints with it.
 *
 * <p>Threading: pushes come from the informer's threads, and from the watch check on the
 * binder's {@link ServerSource.Context#scheduler() scheduler} when the watch is back; pushes and
 * failures reach the listener one at a time, each push reading the latest list, and no lock the
 * informer needs is held while the listener runs. The {@link KubernetesClient} is the caller's:
 * built by the caller, shared if it likes, and not closed by {@link #close()}, which stops the
 * informer only.
 */
public final class KubernetesSource implements ServerSource {
  /** The label Kubernetes puts on every EndpointSlice of a Service: {@value}. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  /** How often the watch's state is checked by default: every 5 s. */
  public static final Duration DEFAULT_WATCH_CHECK_INTERVAL = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(KubernetesSource.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  private final String portName;
  private final long checkNanos;

  /** Guards the fields below; never held while calling the listener or the informer. */
  private final Object lock = new Object();
  private Listener listener;
  private Context context;
  private SharedIndexInformer<EndpointSlice> informer;
  private Future<?> checkTask;
  private boolean closed;
  /** Whether the last push came from a complete store: before the first list there is none. */
  private volatile boolean listed;
  private int downChecks;
  private boolean downReported;
  /** What the last merge warned of, so that a repeated push does not repeat the warnings. */
  private Set<String> warned = Set.of();

  private volatile Reports reports;

  private KubernetesSource(Builder b) {
    this.client = b.client;
    this.namespace = b.namespace;
    this.service = b.service;
    this.portName = b.portName;
    this.checkNanos = b.watchCheckInterval.toNanos();
  }

  /**
   * A source of the endpoints of {@code service} in {@code namespace} on the port named {@code
   * portName}.
   *
   * @param client a fabric8 client; built by the caller, not closed by the source
   * @param namespace the Service's namespace, a DNS label
   * @param service the Service's name, a DNS label
   * @param portName the name of the Service's port, as the slices list it; null to take each
   *     slice's only port
   * @return the source, to pass to {@link io.lbkit.discovery.Discovery#builder}
   * @throws NullPointerException if {@code client}, {@code namespace} or {@code service} is null
   * @throws IllegalArgumentException if {@code namespace}, {@code service} or {@code portName} is
   *     not a valid Kubernetes name
   */
  public static KubernetesSource of(
      KubernetesClient client, String namespace, String service, String portName) {
    Builder b = builder(client, service).namespace(namespace);
    if (portName != null) {
      b.portName(portName);
    }
    return b.build();
  }

  /**
   * A builder of a source of the endpoints of {@code service}, in the client's namespace unless
   * {@linkplain Builder#namespace told otherwise}, on each slice's only port unless {@linkplain
   * Builder#portName told otherwise}.
   *
   * @param client a fabric8 client; built by the caller, not closed by the source
   * @param service the Service's name, a DNS label
   * @return a new builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code service} is not a valid Service name
   */
  public static Builder builder(KubernetesClient client, String service) {
    return new Builder(Checks.notNull(client, "client"), checkLabel(service, "service"));
  }

  /** A DNS label (RFC 1123), as Kubernetes requires of namespace and Service names. */
  private static String checkLabel(String value, String name) {
    Checks.notNull(value, name);
    boolean ok = !value.isEmpty() && value.length() <= 63
        && alphanumeric(value.charAt(0)) && alphanumeric(value.charAt(value.length() - 1));
    for (int i = 0; ok && i < value.length(); i++) {
      ok = alphanumeric(value.charAt(i)) || value.charAt(i) == '-';
    }
    Checks.argument(ok, name, Checks.quote(value),
        "a DNS label: 1 to 63 of a-z 0-9 -, starting and ending with a letter or digit");
    return value;
  }

  private static boolean alphanumeric(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
  }

  @Override
  public void start(Listener listener, Context context) {
    Checks.notNull(listener, "listener");
    Checks.notNull(context, "context");
    SharedIndexInformer<EndpointSlice> i;
    synchronized (lock) {
      Checks.state(this.listener == null, "source", this, "not started yet");
      this.listener = listener;
      this.context = context;
      this.reports = new Reports(listener, this::currentServers);
      // runnableInformer: not started, so that the handlers are in place before the first list
      i = client.discovery().v1().endpointSlices()
          .inNamespace(namespace)
          .withLabel(SERVICE_NAME_LABEL, service)
          .runnableInformer(0); // no resync: a resync pushes nothing new
      i.exceptionHandler(this::failed);
      i.addEventHandler(new Handler());
      informer = i;
      checkTask = context.scheduler().schedule(this::checkWatch, checkNanos);
    }
    // start() only sends the first list request; the answer comes on the client's threads
    i.start().whenComplete((v, e) -> {
      if (e != null) {
        log.debug("{}: the informer stopped before its first list", this, e);
      }
    });
  }

  /** The informer's exception handler: every failed list or watch call, reported; retried. */
  private boolean failed(boolean started, Throwable error) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
    }
    reports.error(error);
    return true;
  }

  /**
   * Every check interval: a watch seen down at two checks in a row (one may fall between a list
   * and its watch) is reported once; seen up again, the whole list is pushed.
   */
  private void checkWatch() {
    boolean report = false;
    boolean recovered = false;
    synchronized (lock) {
      if (closed) {
        return;
      }
      checkTask = context.scheduler().schedule(this::checkWatch, checkNanos);
      if (informer.isWatching()) {
        recovered = downReported;
        downChecks = 0;
        downReported = false;
      } else if (listed && ++downChecks >= 2 && !downReported) {
        downReported = true;
        report = true;
      }
    }
    if (report) {
      reports.error(new IOException("Kubernetes watch of " + describe()
          + " is down; keeping the last list until it is back"));
    } else if (recovered) {
      reports.push();
    }
  }

  /** Whether the informer's watch is open now (tests wait for it before changing slices). */
  boolean isWatching() {
    SharedIndexInformer<EndpointSlice> i = informer;
    return i != null && i.isWatching();
  }

  /** The current list, from the informer's store; null before the first list is complete. */
  private List<Server> currentServers() {
    SharedIndexInformer<EndpointSlice> i = informer;
    if (!listed || i == null) {
      return null;
    }
    Set<String> warnings = new HashSet<>();
    List<Server> servers = SliceMerge.servers(i.getStore().list(), portName, warnings::add);
    Set<String> before;
    synchronized (lock) {
      before = warned;
      warned = warnings;
    }
    for (String w : warnings) {
      if (!before.contains(w)) {
        log.warn("Kubernetes {}: {}", describe(), w);
      }
    }
    return servers;
  }

  private final class Handler implements ResourceEventHandler<EndpointSlice> {
    @Override
    public void onList(String resourceVersion, boolean remainedEmpty) {
      // a complete list, the first or a re-list: the store is the truth from here on
      listed = true;
      reports.push();
    }

    @Override
    public void onAdd(EndpointSlice slice) {
      pushIfListed();
    }

    @Override
    public void onUpdate(EndpointSlice before, EndpointSlice after) {
      pushIfListed();
    }

    @Override
    public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
      pushIfListed();
    }

    private void pushIfListed() {
      if (listed) {
        reports.push();
      }
    }
  }

  @Override
  public void close() {
    SharedIndexInformer<EndpointSlice> i;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      i = informer;
      if (checkTask != null) {
        checkTask.cancel(false);
      }
    }
    if (reports != null) {
      reports.close();
    }
    if (i != null) {
      try {
        i.stop(); // the informer only: the client stays the caller's
      } catch (RuntimeException e) {
        log.debug("{}: stopping the informer", this, e);
      }
    }
  }

  private String describe() {
    return namespace + "/" + service + (portName == null ? "" : ":" + portName);
  }

  @Override
  public String toString() {
    return "KubernetesSource[" + describe() + "]";
  }

  /** Builds a {@link KubernetesSource}; every setter validates its argument at once. */
  public static final class Builder {
    private final KubernetesClient client;
    private final String service;
    private String namespace;
    private String portName;
    private Duration watchCheckInterval = DEFAULT_WATCH_CHECK_INTERVAL;

    private Builder(KubernetesClient client, String service) {
      this.client = client;
      this.service = service;
    }

    /**
     * Sets the Service's namespace (default: the client's, from its kubeconfig or the pod's
     * service account).
     *
     * @param namespace a DNS label
     * @return this builder
     * @throws NullPointerException if {@code namespace} is null
     * @throws IllegalArgumentException if {@code namespace} is not a DNS label
     */
    public Builder namespace(String namespace) {
      this.namespace = checkLabel(namespace, "namespace");
      return this;
    }

    /**
     * Sets the name of the port to use, as the Service names it (and so its slices). Without
     * it, each slice's only port is used, and a slice with several is left out.
     *
     * @param portName 1 to 63 of a-z 0-9 -
     * @return this builder
     * @throws NullPointerException if {@code portName} is null
     * @throws IllegalArgumentException if {@code portName} is not a valid port name
     */
    public Builder portName(String portName) {
      this.portName = checkLabel(portName, "portName");
      return this;
    }

    /**
     * Sets how often the source checks that its watch is up (default 5 s). A watch seen down
     * at two checks in a row is reported as a failure, so an outage is known within two
     * intervals; the check reads a flag and makes no call.
     *
     * @param interval in (0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is out of range
     */
    public Builder watchCheckInterval(Duration interval) {
      this.watchCheckInterval = Checks.positive(interval, "watchCheckInterval");
      return this;
    }

    /**
     * Builds the source; it starts watching when a {@link io.lbkit.discovery.Discovery} starts
     * it.
     *
     * @return the source
     * @throws IllegalStateException if no namespace was set and the client has none
     */
    public KubernetesSource build() {
      if (namespace == null) {
        String fromClient = client.getNamespace();
        Checks.state(fromClient != null, "namespace", null,
            "set, or a client configured with a namespace");
        namespace(fromClient);
      }
      return new KubernetesSource(this);
    }
  }
}
