package io.lbkit.grpc;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.lbkit.discovery.Discovery;
import io.lbkit.discovery.ServerSource;
import io.lbkit.internal.Checks;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Resolves {@code lbkit:///inventory} to the servers a {@link ServerSource} lists for {@code
 * inventory}: DNS, a file, ZooKeeper, a registry of the user's own. Register it with gRPC, then
 * use such targets:
 *
 * <pre>{@code
 * LbkitNameResolverProvider resolver = LbkitNameResolverProvider.builder()
 *     .source("inventory", DnsSource.of("inventory.internal", 8443))
 *     .build();
 * NameResolverRegistry.getDefaultRegistry().register(resolver);
 * ManagedChannel ch = ManagedChannelBuilder.forTarget("lbkit:///inventory").usePlaintext().build();
 * }</pre>
 *
 * <p>Each service's source runs once for the whole provider, into a {@link Discovery} binder,
 * however many channels target it: started by the first channel, stopped by {@link #close()}.
 * The binder's rules decide what reaches the channels: the whole list every time (identical lists
 * dropped), the last good list kept when the source fails or answers empty, and a server that
 * left the source leaving the address list at once (the binder drains it: gRPC shuts its
 * subchannel down gracefully, streams in flight finish). A source failure reaches a channel
 * ({@code Listener2.onError}, status UNAVAILABLE) only while it never had a list. A channel's
 * {@code refresh()} (gRPC asks after connection failures) is passed to {@link Discovery#refresh()},
 * which rate-limits it. Each group carries its {@link io.lbkit.Server} in its attributes
 * ({@link ServerAddresses#SERVER}), which {@link LbkitLoadBalancerProvider} reads.
 *
 * <p>Threading: thread-safe. Lists reach a channel on its synchronization context. The binders run
 * on the threads their {@linkplain Builder#discovery options} give them, by default their own
 * daemon timer and lookup threads; host names (rather than IP literals) in a source's servers are
 * looked up on them, blocking, when the list is turned into socket addresses.
 */
public final class LbkitNameResolverProvider extends NameResolverProvider implements AutoCloseable {
  /** The URI scheme served by default: {@code lbkit:///service}. */
  public static final String DEFAULT_SCHEME = "lbkit";
  /** The priority in gRPC's registry by default: above the built-in DNS resolver's 5. */
  public static final int DEFAULT_PRIORITY = 6;

  private final String scheme;
  private final int priority;
  private final Map<String, ServiceFeed> feeds;

  private LbkitNameResolverProvider(Builder b) {
    this.scheme = b.scheme;
    this.priority = b.priority;
    Map<String, ServiceFeed> m = new LinkedHashMap<>();
    b.sources.forEach((name, source) -> m.put(name, new ServiceFeed(name, source, b.options)));
    this.feeds = Map.copyOf(m);
  }

  /** {@return a builder: the {@code lbkit} scheme, priority 6, no sources yet} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A resolver for {@code targetUri} if its scheme is this provider's: {@code scheme:///service}
   * (or {@code scheme:service}), for a service given a source.
   *
   * @param targetUri the channel's target
   * @param args the channel's resolver arguments
   * @return the resolver, or null for another scheme
   * @throws IllegalArgumentException if the target names no service or one without a source
   */
  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!scheme.equals(targetUri.getScheme())) {
      return null;
    }
    String path = targetUri.getPath() != null ? targetUri.getPath()
        : targetUri.getSchemeSpecificPart();
    String service = path.startsWith("/") ? path.substring(1) : path;
    ServiceFeed feed = feeds.get(service);
    Checks.argument(feed != null, "target", targetUri,
        scheme + ":///<service> for one of the services given a source: " + feeds.keySet());
    return new LbkitNameResolver(service, feed, args.getSynchronizationContext());
  }

  @Override
  public String getDefaultScheme() {
    return scheme;
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return priority;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  /**
   * Stops every service's source and binder. Channels keep the last list they were given.
   * Idempotent.
   */
  @Override
  public void close() {
    feeds.values().forEach(ServiceFeed::close);
  }

  @Override
  public String toString() {
    return "LbkitNameResolverProvider{" + scheme + ", " + feeds.keySet() + '}';
  }

  /** Configures a {@link LbkitNameResolverProvider}. */
  public static final class Builder {
    private String scheme = DEFAULT_SCHEME;
    private int priority = DEFAULT_PRIORITY;
    private final Map<String, ServerSource> sources = new LinkedHashMap<>();
    private Consumer<Discovery.Builder> options = b -> {};

    private Builder() {}

    /**
     * Where {@code service}'s servers come from. The provider starts the source when a channel
     * first targets the service, and owns it from then on ({@link #close()} closes it).
     *
     * @param service the name in {@code lbkit:///service}: not blank, no {@code /}
     * @param source its servers; started at most once
     * @return this builder
     * @throws NullPointerException if either is null
     * @throws IllegalArgumentException if the name is blank, has a {@code /}, or was given already
     */
    public Builder source(String service, ServerSource source) {
      Checks.notBlank(service, "service");
      Checks.notNull(source, "source");
      Checks.argument(service.indexOf('/') < 0, "service", Checks.quote(service), "no '/'");
      Checks.argument(!sources.containsKey(service), "service", Checks.quote(service),
          "one source per service");
      sources.put(service, source);
      return this;
    }

    /**
     * The URI scheme to serve, {@code lbkit} by default; another one lets independent providers
     * share gRPC's registry.
     *
     * @param scheme a URI scheme: a letter, then letters, digits, {@code +}, {@code -} or {@code .}
     * @return this builder
     * @throws NullPointerException if {@code scheme} is null
     * @throws IllegalArgumentException if it is not a valid scheme
     */
    public Builder scheme(String scheme) {
      Checks.notNull(scheme, "scheme");
      Checks.argument(scheme.matches("[A-Za-z][A-Za-z0-9+.-]*"), "scheme", Checks.quote(scheme),
          "a URI scheme");
      this.scheme = scheme;
      return this;
    }

    /**
     * The provider's priority in gRPC's registry, {@value #DEFAULT_PRIORITY} by default (the
     * highest priority wins a scheme).
     *
     * @param priority 0..10, as gRPC requires
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder priority(int priority) {
      Checks.argument(priority >= 0 && priority <= 10, "priority", priority, "0..10");
      this.priority = priority;
      return this;
    }

    /**
     * Settings for every service's {@link Discovery} binder (its name is set to {@code
     * grpc:<service>} first): removal delay, empty answers, refresh interval, and the scheduler and
     * executor it runs on instead of its own threads.
     *
     * @param options applied to each binder's builder before it starts
     * @return this builder
     * @throws NullPointerException if {@code options} is null
     */
    public Builder discovery(Consumer<Discovery.Builder> options) {
      this.options = Checks.notNull(options, "options");
      return this;
    }

    /**
     * Builds the provider; no source starts before a channel uses it.
     *
     * @return the provider, to register with {@code NameResolverRegistry}
     * @throws IllegalStateException if no source was given
     */
    public LbkitNameResolverProvider build() {
      Checks.state(!sources.isEmpty(), "sources", sources.keySet(), "at least one source(...)");
      return new LbkitNameResolverProvider(this);
    }
  }
}
