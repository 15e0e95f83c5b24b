package io.lbkit.bench.sim;

import java.util.List;

/**
 * Who calls the cluster. Open loop: logical requests arrive as a Poisson process whose rate steps
 * at given times, whatever the latency (the load users generate). Closed loop: {@code clients}
 * callers that each wait for their previous request, then think, then call again.
 *
 * @param rateSteps open loop: (time, requests per second) steps, first at 0; empty for closed
 * @param clients closed loop: number of callers; 0 for open loop
 * @param thinkMillis closed loop: mean (exponential) think time between a caller's requests
 * @param keys the request keys, or null for keyless requests
 */
public record Workload(List<RateStep> rateSteps, int clients, double thinkMillis, Keys keys) {

  /** From {@code atSeconds} on, {@code perSecond} logical requests per second arrive. */
  public record RateStep(double atSeconds, double perSecond) {}

  public static Workload openLoop(double perSecond) {
    return new Workload(List.of(new RateStep(0, perSecond)), 0, 0, null);
  }

  public static Workload closedLoop(int clients, double thinkMillis) {
    return new Workload(List.of(), clients, thinkMillis, null);
  }

  /** This open-loop workload, with the rate changed to {@code perSecond} at {@code atSeconds}. */
  public Workload thenRate(double atSeconds, double perSecond) {
    List<RateStep> steps = new java.util.ArrayList<>(rateSteps);
    steps.add(new RateStep(atSeconds, perSecond));
    return new Workload(List.copyOf(steps), clients, thinkMillis, keys);
  }

  public Workload withKeys(Keys keys) {
    return new Workload(rateSteps, clients, thinkMillis, keys);
  }

  public boolean isOpenLoop() {
    return clients == 0;
  }

  /** The open-loop rate in force at {@code seconds}. */
  double rateAt(double seconds) {
    double r = 0;
    for (RateStep s : rateSteps) {
      if (s.atSeconds() <= seconds) {
        r = s.perSecond();
      }
    }
    return r;
  }

  @Override
  public String toString() {
    if (!isOpenLoop()) {
      return clients + " closed-loop clients, think " + Report.num(thinkMillis) + " ms";
    }
    StringBuilder sb = new StringBuilder("open loop ");
    for (int i = 0; i < rateSteps.size(); i++) {
      RateStep s = rateSteps.get(i);
      sb.append(i == 0 ? "" : ", then ").append(Report.num(s.perSecond())).append(" req/s");
      if (i > 0) {
        sb.append(" from ").append(Report.num(s.atSeconds())).append(" s");
      }
    }
    if (keys != null) {
      sb.append("; keys ").append(keys);
    }
    return sb.toString();
  }
}
