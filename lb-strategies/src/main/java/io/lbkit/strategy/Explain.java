package io.lbkit.strategy;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;
import java.util.Set;
import java.util.function.Function;

/**
 * The wording pickers share when they describe a pick ({@link io.lbkit.spi.Picker#describe}).
 * Off the pick path: allocation is fine here, and nothing here is read by a pick.
 */
final class Explain {
  private Explain() {}

  /** {@code x} with three decimals, rounded; without String.format, which is ~20x slower. */
  static String num(double x) {
    if (!Double.isFinite(x) || Math.abs(x) >= 1e15) {
      return Double.toString(x);
    }
    long m = Math.round(Math.abs(x) * 1000.0);
    return (x < 0 && m != 0 ? "-" : "") + m / 1000 + "." + (1000 + m % 1000 + "").substring(1);
  }

  static String millis(double nanos) {
    return num(nanos / 1e6) + " ms";
  }

  /** ", kept with probability r" for a ramping candidate of an unweighted picker, else "". */
  static String rampDraw(Candidates c, int i) {
    return c.ramp(i) < 1.0 ? ", kept with probability " + num(c.ramp(i)) : "";
  }

  /** Weight x ramp and the share it gives, for weighted pickers. */
  static void weighted(Candidates c, PickReport report) {
    double sum = 0.0;
    for (int i = 0; i < c.size(); i++) {
      sum += c.effectiveWeight(i);
    }
    for (int i = 0; i < c.size(); i++) {
      report.score(c.server(i), "weight " + c.weight(i) + " x ramp " + num(c.ramp(i)) + " = "
          + num(c.effectiveWeight(i)) + ", share " + num(c.effectiveWeight(i) / sum));
    }
  }

  /** For keyed pickers: names the key's owner, or says the pick draws a random position. */
  static void owner(Candidates c, Request request, Server owner, String how,
      PickReport report) {
    for (int i = 0; i < c.size(); i++) {
      Server s = c.server(i);
      report.score(s, "weight " + c.weight(i)
          + (owner != null && s.equals(owner) ? ", owner of the key's " + how : ""));
    }
    if (!request.hasKey()) {
      report.note("no key: a random position, as a weighted random pick");
    }
  }

  /**
   * Describes {@code inner} into {@code report} and names every server {@code outer} scores but
   * {@code inner} does not as left out, with {@code reason}: how wrappers name the servers outside
   * the part (zone, tier) their pick uses.
   */
  static void part(Picker inner, Picker outer, Request request, Server chosen,
      Function<Server, String> reason, PickReport report) {
    Set<Server> in = PickReport.scored(inner, request, chosen);
    inner.describe(request, chosen, report);
    for (Server s : PickReport.scored(outer, request, chosen)) {
      if (!in.contains(s)) {
        report.leftOut(s, reason.apply(s));
      }
    }
  }
}
