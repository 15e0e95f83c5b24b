package io.lbkit.health;

/**
 * PLACEHOLDER written by the foundation so that the failover work can compile against the health
 * API; the health issue replaces the body (every setting of issue 4, named defaults, validation).
 */
public final class HealthConfig {
  private HealthConfig() {}

  /** Envoy/gRPC-compatible defaults. */
  public static HealthConfig defaults() {
    return new HealthConfig();
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private Builder() {}

    public HealthConfig build() {
      return new HealthConfig();
    }
  }
}
