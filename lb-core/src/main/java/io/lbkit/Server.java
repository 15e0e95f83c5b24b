package io.lbkit;

import io.lbkit.internal.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One server a client can send calls to: an immutable value.
 *
 * <p>The {@link #id()} (by default {@code host:port}) is its identity across pool updates: per-server
 * state such as in-flight counts and ejection history follows the id, so a server that is updated
 * with a new weight, or leaves and comes back, keeps it. Two {@code Server}s are equal when every
 * field is equal.
 *
 * <ul>
 *   <li>weight: {@code >= 0}; 0 means drained: the server takes no new calls.
 *   <li>priority: {@code >= 0}; 0 is the primary tier, higher numbers are backups.
 *   <li>zone: free text such as {@code "eu-1"}; empty when unknown.
 * </ul>
 */
public final class Server {
  /** The weight of a server built without one. */
  public static final int DEFAULT_WEIGHT = 1;

  private final String id;
  private final String host;
  private final int port;
  private final int weight;
  private final String zone;
  private final int priority;
  private final Map<String, String> metadata;
  private final int hash;

  private Server(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.id = b.id != null ? b.id : host + ":" + port;
    this.weight = b.weight;
    this.zone = b.zone;
    this.priority = b.priority;
    this.metadata = b.metadata.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    this.hash = Objects.hash(id, host, port, weight, zone, priority, metadata);
  }

  /**
   * A server with weight 1, priority 0, no zone, no metadata and id {@code host:port}.
   *
   * @param host a host name or IP literal
   * @param port 1 to 65535
   * @return the server
   * @throws NullPointerException if {@code host} is null
   * @throws IllegalArgumentException if {@code host} is blank, longer than 253 characters or has
   *     a character no resolver accepts, or {@code port} is out of range
   */
  public static Server of(String host, int port) {
    return builder(host, port).build();
  }

  /**
   * A builder of a server at {@code host:port}, for the optional fields.
   *
   * @param host a host name or IP literal
   * @param port 1 to 65535
   * @return a new builder
   * @throws NullPointerException if {@code host} is null
   * @throws IllegalArgumentException if {@code host} is blank, longer than 253 characters or has
   *     a character no resolver accepts, or {@code port} is out of range
   */
  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  /**
   * A builder that starts from this server's fields, id included, for example to change its
   * weight.
   *
   * @return a new builder holding this server's fields
   */
  public Builder toBuilder() {
    Builder b = new Builder(host, port).id(id).weight(weight).zone(zone).priority(priority);
    b.metadata.putAll(metadata);
    return b;
  }

  /** {@return the identity that per-server state follows; {@code host:port} unless set} */
  public String id() {
    return id;
  }

  /** {@return the host name or IP literal calls go to} */
  public String host() {
    return host;
  }

  /** {@return the port calls go to, 1 to 65535} */
  public int port() {
    return port;
  }

  /** {@return the weight, {@code >= 0}; 0 means drained} */
  public int weight() {
    return weight;
  }

  /** {@return the zone, or the empty string when unknown} */
  public String zone() {
    return zone;
  }

  /** {@return the priority tier, {@code >= 0}; 0 is the primary tier} */
  public int priority() {
    return priority;
  }

  /** {@return the free-form metadata, unmodifiable, in insertion order} */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** {@return true when the weight is 0: the server takes no new calls} */
  public boolean isDrained() {
    return weight == 0;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Server)) {
      return false;
    }
    Server s = (Server) o;
    return hash == s.hash
        && port == s.port
        && weight == s.weight
        && priority == s.priority
        && id.equals(s.id)
        && host.equals(s.host)
        && zone.equals(s.zone)
        && metadata.equals(s.metadata);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Server{").append(id);
    if (!id.equals(host + ":" + port)) {
      sb.append(' ').append(host).append(':').append(port);
    }
    sb.append(" weight=").append(weight);
    if (!zone.isEmpty()) {
      sb.append(" zone=").append(zone);
    }
    if (priority != 0) {
      sb.append(" priority=").append(priority);
    }
    if (!metadata.isEmpty()) {
      sb.append(" metadata=").append(metadata);
    }
    return sb.append('}').toString();
  }

  /** The longest host name DNS allows (RFC 1035: 253 characters written out). */
  private static final int MAX_HOST_LENGTH = 253;

  /**
   * Accepts what a resolver could: a host name (letters, digits, {@code - _ .}), an IPv4 literal,
   * or an IPv6 literal (hex digits and {@code :}, optionally in brackets, with a {@code %zone}).
   * Spaces, control characters and anything else no resolver takes are rejected here, at the
   * pool's door, rather than failing every call later.
   */
  private static String checkHost(String host) {
    boolean ok = host.length() <= MAX_HOST_LENGTH;
    for (int i = 0; ok && i < host.length(); i++) {
      char c = host.charAt(i);
      ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '-' || c == '_' || c == '.' || c == ':' || c == '%' || c == '[' || c == ']';
    }
    Checks.argument(ok, "host", Checks.quote(host), "a host name or IP literal of at most "
        + MAX_HOST_LENGTH + " characters from letters, digits and - _ . : % [ ]");
    return host;
  }

  /** Builds a {@link Server}; every setter validates its argument at once. */
  public static final class Builder {
    private final String host;
    private final int port;
    private String id;
    private int weight = DEFAULT_WEIGHT;
    private String zone = "";
    private int priority;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder(String host, int port) {
      this.host = checkHost(Checks.notBlank(host, "host"));
      Checks.argument(port >= 1 && port <= 65535, "port", port, "1..65535");
      this.port = port;
    }

    /**
     * Overrides the default id {@code host:port}.
     *
     * @param id the identity per-server state follows across pool updates
     * @return this builder
     * @throws NullPointerException if {@code id} is null
     * @throws IllegalArgumentException if {@code id} is blank
     */
    public Builder id(String id) {
      this.id = Checks.notBlank(id, "id");
      return this;
    }

    /**
     * Sets the weight (default 1); weighted strategies share calls in proportion to it.
     *
     * @param weight {@code >= 0}; 0 drains the server
     * @return this builder
     * @throws IllegalArgumentException if {@code weight} is negative
     */
    public Builder weight(int weight) {
      this.weight = Checks.nonNegative(weight, "weight");
      return this;
    }

    /**
     * Sets the zone (default empty), which zone-aware strategies compare.
     *
     * @param zone free text such as {@code "eu-1"}; empty when unknown
     * @return this builder
     * @throws NullPointerException if {@code zone} is null
     */
    public Builder zone(String zone) {
      this.zone = Checks.notNull(zone, "zone");
      return this;
    }

    /**
     * Sets the priority tier (default 0), which tiered failover modes read.
     *
     * @param priority {@code >= 0}; 0 is the primary tier, higher numbers are backups
     * @return this builder
     * @throws IllegalArgumentException if {@code priority} is negative
     */
    public Builder priority(int priority) {
      this.priority = Checks.nonNegative(priority, "priority");
      return this;
    }

    /**
     * Adds one metadata entry, replacing any earlier value of {@code key}.
     *
     * @param key the entry's name
     * @param value the entry's value
     * @return this builder
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public Builder metadata(String key, String value) {
      Checks.notNull(key, "metadata key");
      Checks.notNull(value, "metadata[" + key + "]");
      metadata.put(key, value);
      return this;
    }

    /**
     * Builds the server.
     *
     * @return a new immutable server
     */
    public Server build() {
      return new Server(this);
    }
  }
}
