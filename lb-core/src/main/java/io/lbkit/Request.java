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

  /** A request whose hash key is this non-empty string. */
  public static Request withKey(String key) {
    return builder().key(key).build();
  }

  /** A request whose hash key is this number (for example a user id). */
  public static Request withKey(long key) {
    return builder().key(key).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this request's fields. */
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

  /** This request with one more server excluded (a failover step); this one is unchanged. */
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

  /** This request with no exclusions. */
  public Request withoutExclusions() {
    if (excluded.length == 0) {
      return this;
    }
    Builder b = toBuilder();
    b.excluded = NO_SERVERS;
    return b.build();
  }

  public boolean hasKey() {
    return key != null;
  }

  /** The key as given (a String or a Long), or null. */
  public Object key() {
    return key;
  }

  /** The key's 64-bit hash; meaningful only when {@link #hasKey()}. */
  public long keyHash() {
    return keyHash;
  }

  public boolean hasExclusions() {
    return excluded.length != 0;
  }

  public int exclusionCount() {
    return excluded.length;
  }

  /**
   * True when a server with this id is excluded. Exclusion lists are short (one entry per failed
   * attempt), so a scan beats a hash set and allocates nothing.
   */
  public boolean excludes(Server server) {
    Server[] ex = excluded;
    for (int i = 0; i < ex.length; i++) {
      if (ex[i] == server || ex[i].id().equals(server.id())) {
        return true;
      }
    }
    return false;
  }

  /** The excluded servers, as an unmodifiable list. */
  public java.util.List<Server> excluded() {
    return java.util.List.of(excluded);
  }

  /**
   * True when the caller said the call may run more than once ({@link Builder#idempotent}).
   * Default false, the safe choice: a call that places an order is never repeated after it may
   * have reached a server.
   */
  public boolean isIdempotent() {
    return idempotent;
  }

  /** True for calls that change state; read/write splitting sends them to the primary tier. */
  public boolean isWrite() {
    return write;
  }

  public Map<String, Object> attributes() {
    return attributes;
  }

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

    public Builder key(String key) {
      Checks.notNull(key, "key");
      Checks.argument(!key.isEmpty(), "key", "\"\"", "a non-empty string");
      this.key = key;
      this.keyHash = Hashing.hash64(key);
      return this;
    }

    public Builder key(long key) {
      this.key = key;
      this.keyHash = Hashing.hash64(key, Hashing.DEFAULT_SEED);
      return this;
    }

    public Builder exclude(Server server) {
      Checks.notNull(server, "server");
      excluded = Arrays.copyOf(excluded, excluded.length + 1);
      excluded[excluded.length - 1] = server;
      return this;
    }

    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    public Builder write(boolean write) {
      this.write = write;
      return this;
    }

    public Builder attribute(String name, Object value) {
      Checks.notNull(name, "attribute name");
      Checks.notNull(value, "attribute[" + name + "]");
      attributes.put(name, value);
      return this;
    }

    public Request build() {
      return new Request(this);
    }
  }
}
