package io.lbkit.bench.sim;

/**
 * A server's state over a stretch of a scenario's timeline.
 *
 * @param dead connections are refused at once (no service, a fast failure)
 * @param slowFactor service times are multiplied by this (1 = normal)
 * @param errorRate probability that a served call fails (a 5xx after the full service time)
 */
public record Condition(boolean dead, double slowFactor, double errorRate) {

  public static final Condition UP = new Condition(false, 1.0, 0.0);
  public static final Condition DEAD = new Condition(true, 1.0, 0.0);

  public Condition {
    if (!(slowFactor > 0)) {
      throw new IllegalArgumentException("slowFactor: " + slowFactor + " (expected: > 0)");
    }
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("errorRate: " + errorRate + " (expected: in [0, 1])");
    }
  }

  public static Condition slow(double factor) {
    return new Condition(false, factor, 0.0);
  }

  public static Condition failing(double errorRate) {
    return new Condition(false, 1.0, errorRate);
  }

  @Override
  public String toString() {
    if (dead) {
      return "dead";
    }
    StringBuilder sb = new StringBuilder("up");
    if (slowFactor != 1.0) {
      sb.append(" x").append(Report.num(slowFactor)).append(" slower");
    }
    if (errorRate > 0) {
      sb.append(", ").append(Report.num(errorRate * 100)).append("% errors");
    }
    return sb.toString();
  }
}
