package io.lbkit;

import io.lbkit.internal.Checks;
import io.lbkit.internal.Hashing;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a caller tells a selector about one call: an optional hash key, servers to exclude (those a
 * failover already tried), whether the call is idempotent or a write, and free attributes.
 *
 * <p>Immutable and thread-safe, so one instance can be reused for any number of calls without
 * allocation: keep a {@code Request.withKey("user-42")} as long as the key is the same. The key's
 * 64-bit hash is computed once, here, and never on the pick path.
 */
public final class Request {
  // Declared before NONE: static initialisers run in text order.
  private static final Server[] NO_SERVERS = new Server[0];

  /**
   * No key, nothing excluded, not idempotent: what {@link Selector#choose()} and a balancer's
   * {@code execute(call)} use. A failover repeats such a call only when the failure proves it never
   * reached a server.
   */
  public static final Request NONE = new Builder().build();

  /**
   * No key, nothing excluded, idempotent: for calls that may safely run more than once (a read, a
   * PUT of a whole resource), so failovers may retry, hedge and fork them.
   */
  public static final Request IDEMPOTENT = new Builder().idempotent(true).build();

  private final Object key;
  private final long keyHash;
  private final Server[] excluded;
  private final boolean idempotent;
  private final boolean write;
  private final Map<String, Object> attributes;

  private Request(Builder b) {
    this.key = b.key;
    this.keyHash = b.keyHash;
    this.excluded = b.excluded;
    this.idempotent = b.idempotent;
    this.write = b.write;
    this.attributes = b.attributes.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
  }

  /**
   * A request whose hash key is this string; otherwise as {@link #NONE}.
   *
   * @param key the key, non-empty; its hash is computed here, once
   * @return the request, reusable for every call with that key
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is empty
   */
  public static Request withKey(String key) {
    return builder().key(key).build();
  }

  /**
   * A request whose hash key is this number (for example a user id); otherwise as {@link #NONE}.
   *
   * @param key the key; its hash is computed here, once
   * @return the request, reusable for every call with that key
   */
  public static Request withKey(long key) {
    return builder().key(key).build();
  }

  /**
   * A builder starting from {@link #NONE}'s fields: no key, no exclusions, idempotent, a read.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from this request's fields, exclusions included.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.key = key;
    b.keyHash = keyHash;
    b.excluded = excluded;
    b.idempotent = idempotent;
    b.write = write;
    b.attributes.putAll(attributes);
    return b;
  }

  /**
   * This request with one more server excluded (a failover step); this one is unchanged.
   *
   * @param server the server not to choose
   * @return a new request, or this one when {@code server}'s id is already excluded
   * @throws NullPointerException if {@code server} is null
   */
  public Request excluding(Server server) {
    Checks.notNull(server, "server");
    if (excludes(server)) {
      return this;
    }
    Builder b = toBuilder();
    b.excluded = Arrays.copyOf(excluded, excluded.length + 1);
    b.excluded[excluded.length] = server;
    return b.build();
  }

  /** {@return this request with no exclusions} This one if it has none. */
  public Request withoutExclusions() {
    if (excluded.length == 0) {
      return this;
    }
    Builder b = toBuilder();
    b.excluded = NO_SERVERS;
    return b.build();
  }

  /** {@return true when the request has a hash key} */
  public boolean hasKey() {
    return key != null;
  }

  /** {@return the key as given (a String or a Long), or null when there is none} */
  public Object key() {
    return key;
  }

  /** {@return the key's 64-bit hash} Meaningful only when {@link #hasKey()}. */
  public long keyHash() {
    return keyHash;
  }

  /** {@return true when at least one server is excluded} */
  public boolean hasExclusions() {
    return excluded.length != 0;
  }

  /** {@return how many servers are excluded} */
  public int exclusionCount() {
    return excluded.length;
  }

  /**
   * True when a server with this id is excluded. Exclusion lists are short (one entry per failed
   * attempt), so a scan beats a hash set and allocates nothing.
   *
   * @param server the server asked about
   * @return true when it, or a server with its id, is excluded
   * @throws NullPointerException if {@code server} is null
   */
  public boolean excludes(Server server) {
    Checks.notNull(server, "server");
    Server[] ex = excluded;
    for (int i = 0; i < ex.length; i++) {
      if (ex[i] == server || ex[i].id().equals(server.id())) {
        return true;
      }
    }
    return false;
  }

  /** {@return the excluded servers, in the order excluded, as an unmodifiable list} */
  public java.util.List<Server> excluded() {
    return java.util.List.of(excluded);
  }

  /**
   * {@return true when the caller said the call may run more than once} Default false, the safe
   * choice: failover modes repeat a call not marked idempotent only when the failure proves it
   * never reached a server, so a call that places an order is not placed twice.
   */
  public boolean isIdempotent() {
    return idempotent;
  }

  /**
   * {@return true for calls that change state} Read/write splitting sends them to the primary
   * tier. Default false.
   */
  public boolean isWrite() {
    return write;
  }

  /** {@return the free attributes, unmodifiable, in insertion order} */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /**
   * One free attribute.
   *
   * @param name the attribute's name
   * @return its value, or null when it is not set
   */
  public Object attribute(String name) {
    return attributes.get(name);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Request{");
    if (key != null) {
      sb.append("key=").append(key).append(' ');
    }
    if (excluded.length > 0) {
      sb.append("excluded=").append(Arrays.toString(excluded)).append(' ');
    }
    sb.append(idempotent ? "idempotent" : "non-idempotent");
    if (write) {
      sb.append(" write");
    }
    if (!attributes.isEmpty()) {
      sb.append(" attributes=").append(attributes);
    }
    return sb.append('}').toString();
  }

  /** Builds a {@link Request}; each setter validates at once. */
  public static final class Builder {
    private Object key;
    private long keyHash;
    private Server[] excluded = NO_SERVERS;
    private boolean idempotent;
    private boolean write;
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets a string hash key, replacing any earlier key; its 64-bit hash is computed here.
     *
     * @param key the key, non-empty
     * @return this builder
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty
     */
    public Builder key(String key) {
      Checks.notNull(key, "key");
      Checks.argument(!key.isEmpty(), "key", "\"\"", "a non-empty string");
      this.key = key;
      this.keyHash = Hashing.hash64(key);
      return this;
    }

    /**
     * Sets a numeric hash key, replacing any earlier key; its 64-bit hash is computed here.
     *
     * @param key the key
     * @return this builder
     */
    public Builder key(long key) {
      this.key = key;
      this.keyHash = Hashing.hash64(key, Hashing.DEFAULT_SEED);
      return this;
    }

    /**
     * Excludes one more server: pickers never choose it, or a server with its id, for this request.
     *
     * @param server the server not to choose
     * @return this builder
     * @throws NullPointerException if {@code server} is null
     */
    public Builder exclude(Server server) {
      Checks.notNull(server, "server");
      excluded = Arrays.copyOf(excluded, excluded.length + 1);
      excluded[excluded.length - 1] = server;
      return this;
    }

    /**
     * Sets whether the call may safely run more than once (default true).
     *
     * @param idempotent false for a call that must run at most once
     * @return this builder
     */
    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    /**
     * Sets whether the call changes state (default false), for read/write splitting.
     *
     * @param write true for a write
     * @return this builder
     */
    public Builder write(boolean write) {
      this.write = write;
      return this;
    }

    /**
     * Sets one free attribute, replacing any earlier value of {@code name}; lbkit does not read
     * attributes.
     *
     * @param name the attribute's name
     * @param value its value
     * @return this builder
     * @throws NullPointerException if {@code name} or {@code value} is null
     */
    public Builder attribute(String name, Object value) {
      Checks.notNull(name, "attribute name");
      Checks.notNull(value, "attribute[" + name + "]");
      attributes.put(name, value);
      return this;
    }

    /**
     * Builds the request.
     *
     * @return a new immutable request
     */
    public Request build() {
      return new Request(this);
    }
  }
}
