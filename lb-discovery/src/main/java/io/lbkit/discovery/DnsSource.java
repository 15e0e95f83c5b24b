package io.lbkit.discovery;

import io.lbkit.internal.Checks;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A source that resolves a DNS name, again whenever the answer's time to live runs out: A and
 * AAAA records ({@link #addresses}) for the servers of one port, or SRV records ({@link #srv})
 * when DNS also says the port, priority and weight of each.
 *
 * <pre>{@code
 * ServerSource a = DnsSource.addresses("inventory.default.svc.cluster.local", 8080).build();
 * ServerSource srv = DnsSource.srv("_http._tcp.inventory.example.com").build();
 * }</pre>
 *
 * <p>What the answers become:
 *
 * <ul>
 *   <li>A / AAAA: a server per address, {@code host} the address (an IPv6 one in brackets,
 *       {@code [2001:db8::1]}, so that {@code host + ":" + port} is a valid URL authority),
 *       {@code id} {@code host:port}.
 *   <li>SRV: a server per record, {@code host} the target name, port from the record; the
 *       priority becomes {@link io.lbkit.Server#priority()} (lower is preferred in both, so
 *       {@code Failover.primaryBackup()} follows DNS's tiers). The weight becomes {@link
 *       io.lbkit.Server#weight()}, except weight 0: in RFC 2782 it means "rarely chosen", in
 *       lbkit weight 0 means drained, never chosen. A weight-0 record therefore gets weight 1,
 *       the smallest lbkit has; beside weight-1 records it is then their equal, so publish larger
 *       weights (100 beside 0, say) where the difference matters. A record whose target is
 *       {@code .} ("no service here", RFC 2782) is left out.
 *   <li>NXDOMAIN or no records of the type: an empty answer, which the binder keeps out of the
 *       pool unless it allows empty answers.
 *   <li>SERVFAIL, REFUSED, a timeout or any other failure: a failure; the pool keeps its list.
 *       With both A and AAAA, either failing fails the answer: half an answer would drain the
 *       other family's servers.
 * </ul>
 *
 * <p>The next lookup is due when the answer's smallest TTL has passed, clamped by the {@link
 * Polling} settings (1 s to 60 s by default); after failures and empty answers it backs off.
 * Lookups are asynchronous (dnsjava's own I/O thread): no thread waits on the network, and only
 * the answer's delivery (the pool update) runs on the binder's executor. Answers are not cached here: the resolver asked (the system's, or those {@link
 * Builder#resolvers given}) does the caching DNS expects. A name that does not end with a dot
 * goes through the system's search path, as the system's resolver would do.
 */
public final class DnsSource extends PolledSource {
  private final DnsLookup lookup;
  private final String description;

  private DnsSource(Builder b) {
    super(b.polling);
    this.lookup = new DnsLookup(b.name, b.types, b.port, b.resolvers, b.polling.timeout());
    this.description = "DNS " + b.typeNames() + " " + b.name
        + (b.port > 0 ? " port " + b.port : "")
        + (b.resolvers.isEmpty() ? "" : " via " + b.resolvers);
  }

  /**
   * A builder of a source of the addresses of {@code name} (A and AAAA records, unless narrowed
   * by {@link Builder#ipv4Only()} or {@link Builder#ipv6Only()}), each a server on {@code port}.
   *
   * @param name a DNS name; one ending with a dot is absolute
   * @param port the port every server listens on, 1 to 65535
   * @return a new builder
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is not a DNS name or {@code port} is out of
   *     range
   */
  public static Builder addresses(String name, int port) {
    Checks.argument(port >= 1 && port <= 65535, "port", port, "1..65535");
    return new Builder(parse(name), port, new int[] {Type.A, Type.AAAA});
  }

  /**
   * A builder of a source of the SRV records of {@code name}, such as {@code
   * _http._tcp.inventory.example.com}.
   *
   * @param name a DNS name; one ending with a dot is absolute
   * @return a new builder
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is not a DNS name
   */
  public static Builder srv(String name) {
    return new Builder(parse(name), 0, new int[] {Type.SRV});
  }

  @Override
  CompletionStage<PollLoop.Answer> poll(Executor executor) {
    // The answer is delivered (pool update, selector rebuilds, listeners) on the executor, not
    // on dnsjava's I/O thread, which every lookup in the JVM shares.
    return lookup.resolve().thenApplyAsync(answer -> answer, executor);
  }

  @Override
  public String toString() {
    return description;
  }

  private static Name parse(String name) {
    Checks.notBlank(name, "name");
    try {
      return Name.fromString(name);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(
          Checks.describe("name", Checks.quote(name), "a DNS name: " + e.getMessage()), e);
    }
  }

  /** Builds a {@link DnsSource}; every setter validates its argument at once. */
  public static final class Builder {
    private final Name name;
    private final int port;
    private int[] types;
    private List<InetSocketAddress> resolvers = List.of();
    private Polling polling = Polling.defaults();

    private Builder(Name name, int port, int[] types) {
      this.name = name;
      this.port = port;
      this.types = types;
    }

    /**
     * Asks for A records only.
     *
     * @return this builder
     * @throws IllegalStateException for an SRV source
     */
    public Builder ipv4Only() {
      return family(Type.A);
    }

    /**
     * Asks for AAAA records only.
     *
     * @return this builder
     * @throws IllegalStateException for an SRV source
     */
    public Builder ipv6Only() {
      return family(Type.AAAA);
    }

    private Builder family(int type) {
      Checks.state(port > 0, "records", "SRV", "an addresses(name, port) source");
      this.types = new int[] {type};
      return this;
    }

    /**
     * Asks these DNS servers, in order, instead of the system's ({@code /etc/resolv.conf}).
     *
     * @param servers addresses with their ports, at least one
     * @return this builder
     * @throws NullPointerException if {@code servers} or one of them is null
     * @throws IllegalArgumentException if {@code servers} is empty
     */
    public Builder resolvers(InetSocketAddress... servers) {
      Checks.notNull(servers, "servers");
      Checks.argument(servers.length > 0, "servers", "[]", "at least one DNS server");
      for (int i = 0; i < servers.length; i++) {
        Checks.notNull(servers[i], "servers[" + i + "]");
      }
      this.resolvers = List.copyOf(Arrays.asList(servers));
      return this;
    }

    /**
     * Sets the TTL bounds, backoff and timeout (default {@link Polling#defaults()}). Every
     * record has a TTL, so {@link Polling#interval()} is not used.
     *
     * @param polling the lookup schedule
     * @return this builder
     * @throws NullPointerException if {@code polling} is null
     */
    public Builder polling(Polling polling) {
      this.polling = Checks.notNull(polling, "polling");
      return this;
    }

    /** {@return the source; nothing is resolved until it is started} */
    public DnsSource build() {
      return new DnsSource(this);
    }

    private String typeNames() {
      List<String> names = new ArrayList<>();
      for (int t : types) {
        names.add(Type.string(t));
      }
      return String.join("+", names);
    }
  }
}
