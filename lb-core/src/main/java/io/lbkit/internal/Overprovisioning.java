package io.lbkit.internal;

/**
 * Envoy's overprovisioning rule, the one place lbkit decides whether a group of servers (a zone,
 * a priority tier) has enough of its members available to keep its traffic: {@code available x
 * factor >= total}. With the default factor 1.4 a group stays in use while at least 1 / 1.4 =
 * 71.4% of it is available (4 of 5, 5 of 7, 8 of 11, 45 of 63, 72 of 100).
 *
 * <pre>
 * Exact, as Envoy's integer percentages are: the factor is held in millionths, f = round(factor
 * x 10^6), and the test is available x f >= total x 10^6 in integers. In doubles, 45 x 1.4 is
 * 62.99999999999999 (1.4 has no exact binary form), which would wrongly turn 45 of 63 away.
 * A factor above 2^31 is clamped to 2^31: any one available server then passes for any int
 * total, as it would with the larger factor, and the products fit 128 bits.
 * </pre>
 *
 * <p>Immutable and thread-safe; used on the write path only.
 */
public final class Overprovisioning {
  /** Envoy's default overprovisioning factor. */
  public static final double DEFAULT_FACTOR = 1.4;

  /** The rule with {@link #DEFAULT_FACTOR}. */
  public static final Overprovisioning DEFAULT = of(DEFAULT_FACTOR);

  private static final long SCALE = 1_000_000L;
  private static final double MAX_FACTOR = 1L << 31;

  private final double factor;
  private final long scaled;

  private Overprovisioning(double factor) {
    this.factor = factor;
    this.scaled = Math.round(Math.min(factor, MAX_FACTOR) * SCALE);
  }

  /**
   * The rule with {@code factor}.
   *
   * @param factor {@code >= 1} and finite; 1 keeps a group only while all of it is available
   * @return the rule
   * @throws IllegalArgumentException if {@code factor} is below 1, infinite or NaN
   */
  public static Overprovisioning of(double factor) {
    Checks.argument(factor >= 1.0 && Double.isFinite(factor), "overprovisioningFactor", factor,
        ">= 1 and finite");
    return new Overprovisioning(factor);
  }

  /** {@return the overprovisioning factor as given} */
  public double factor() {
    return factor;
  }

  /**
   * Whether {@code available} of a group's {@code total} members are enough to keep using it:
   * {@code available x factor >= total}. Both counts are >= 0; an empty group (total 0) is
   * trivially enough, so callers that need a server check {@code available > 0} themselves.
   *
   * @param available the group's members available now, {@code >= 0}
   * @param total the group's members, {@code >= 0}
   * @return true when the group keeps its traffic
   * @throws IllegalArgumentException if a count is negative
   */
  public boolean enough(int available, int total) {
    Checks.argument(available >= 0, "available", available, ">= 0");
    Checks.argument(total >= 0, "total", total, ">= 0");
    // available x scaled < 2^31 x 2^51 needs 128 bits; total x SCALE < 2^51 fits a long.
    long high = Math.multiplyHigh(available, scaled);
    long low = available * scaled;
    return high != 0 || Long.compareUnsigned(low, total * SCALE) >= 0;
  }

  /**
   * A group's health as Envoy counts it for priority load: {@code min(1, factor x available /
   * total)}. Exactly 1 when, and only when, {@link #enough} holds, so the two never disagree on a
   * boundary such as 45 of 63.
   *
   * @param available the group's members available now, {@code >= 0}
   * @param total the group's members, {@code >= available}
   * @return the health in [0, 1]; 1 for an empty group
   * @throws IllegalArgumentException if a count is negative
   */
  public double health(int available, int total) {
    if (enough(available, total)) {
      return 1.0;
    }
    // not enough, so available x factor < total: the ratio is below 1 (rounding cannot reach 1
    // for counts that fit an int, whose ratios below 1 stay below 1 - 2^-31)
    return Math.min(Math.nextDown(1.0), (double) available * scaled / ((double) total * SCALE));
  }

  /**
   * {@link #health(int, int)} for a group whose members count in part: a server ramping up after
   * slow start counts by its ramp factor (a server at 30% of its share is 0.3 of a server), so a
   * group of cold servers is not mistaken for a group at full strength. Whole counts give exactly
   * {@link #health(int, int)}.
   *
   * @param available the group's available members, each counted by its ramp factor in (0, 1]
   * @param total the group's members, {@code >= 0}
   * @return the health in [0, 1]; 1 for an empty group
   * @throws IllegalArgumentException if {@code available} is negative or NaN, or {@code total}
   *     is negative
   */
  public double health(double available, int total) {
    Checks.argument(available >= 0.0, "available", available, ">= 0");
    if (available == Math.rint(available) && available <= Integer.MAX_VALUE) {
      return health((int) available, total);
    }
    Checks.argument(total >= 0, "total", total, ">= 0");
    return Math.min(1.0, available * factor / total);
  }

  /**
   * Envoy's priority load: each group's share of the traffic from the groups' healths ({@link
   * #health}), in priority order. Each group takes what its health allows of the traffic the
   * groups before it left, {@code load(p) = min(health(p), 1 - load(0) - ... - load(p - 1))};
   * when the healths add up to less than 1, each gets its health over their sum, so the traffic
   * is all placed. Zones use it with two groups (the local zone, then the others), tiers with
   * one group per priority.
   *
   * @param health each group's health in [0, 1], in priority order; not kept
   * @return each group's share, adding up to 1 (all 0 when every health is 0)
   */
  public static double[] priorityLoad(double[] health) {
    double sum = 0.0;
    for (double h : health) {
      sum += h;
    }
    double[] load = new double[health.length];
    if (sum < 1.0) {
      for (int i = 0; i < load.length && sum > 0.0; i++) {
        load[i] = health[i] / sum;
      }
      return load;
    }
    double left = 1.0;
    for (int i = 0; i < load.length && left > 0.0; i++) {
      load[i] = Math.min(health[i], left);
      left -= load[i];
    }
    return load;
  }

  @Override
  public String toString() {
    return "Overprovisioning{" + factor + '}';
  }
}
