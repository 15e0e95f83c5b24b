package io.lbkit.bench.peers;

/**
 * The cluster every implementation is benchmarked on, described once so that all peers see the
 * same servers: N servers with distinct addresses, optional weights 1..5, three zones, and a fixed
 * set of routing keys.
 */
public final class Fleet {
  /** Number of precomputed keys; a power of two so that {@code seq & KEY_MASK} indexes them. */
  public static final int KEYS = 1024;
  public static final int KEY_MASK = KEYS - 1;
  public static final int PORT = 8080;
  public static final int ZONES = 3;

  private final int size;
  private final boolean weighted;
  private final String[] keys = new String[KEYS];

  private Fleet(int size, boolean weighted) {
    if (size < 1 || size > 65_000) {
      throw new IllegalArgumentException("size: " + size + " (expected: 1..65000)");
    }
    this.size = size;
    this.weighted = weighted;
    for (int k = 0; k < KEYS; k++) {
      keys[k] = "user-" + k;
    }
  }

  /** N servers of equal weight. */
  public static Fleet of(int size) {
    return new Fleet(size, false);
  }

  /** N servers of weights 1, 2, 3, 4, 5, 1, 2, ... */
  public static Fleet weighted(int size) {
    return new Fleet(size, true);
  }

  public int size() {
    return size;
  }

  public boolean isWeighted() {
    return weighted;
  }

  /** 10.0.x.y, distinct for every index below 65 000. */
  public String host(int i) {
    return "10.0." + (i >> 8) + "." + (i & 0xff);
  }

  public byte[] address(int i) {
    return new byte[] {10, 0, (byte) (i >> 8), (byte) i};
  }

  public int weight(int i) {
    return weighted ? 1 + i % 5 : 1;
  }

  public String zone(int i) {
    return "zone-" + (i % ZONES);
  }

  /** The routing key a thread uses on its {@code seq}-th call. */
  public String key(int seq) {
    return keys[seq & KEY_MASK];
  }
}
