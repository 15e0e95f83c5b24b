package io.lbkit.spi;

import io.lbkit.Request;
import io.lbkit.Server;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where a picker ({@link Picker#describe}) and a tracker ({@link
 * io.lbkit.HealthTracker#describe}) write down how they see the servers, for {@link
 * io.lbkit.Explanation}. Used off the pick path only, by one thread; a later call for the same
 * server replaces an earlier one.
 */
public interface PickReport {

  /**
   * How the strategy ranks candidate {@code server}: its figure as the picker compares it
   * ("in-flight 2", "cost 12.0 ms", "owner of the key").
   *
   * @param server a candidate
   * @param score the figure, in words
   */
  void score(Server server, String score);

  /**
   * Why {@code server}, a candidate, cannot be chosen by this pick: the strategy leaves it out
   * (another zone, tier or subset).
   *
   * @param server a candidate the picker will not choose
   * @param reason why, in words
   */
  void leftOut(Server server, String reason);

  /**
   * Why {@code server}, a member of the pool, is no candidate (ejected, drained, breaker open), or
   * for a candidate what health says of it (ramping, half-open): a tracker's view.
   *
   * @param server a member of the pool
   * @param state what health says, in words
   */
  void health(Server server, String state);

  /**
   * A fact about the whole pick (panic, the zone in use, the tiers' shares).
   *
   * @param note the fact, in words
   */
  void note(String note);

  /**
   * The servers {@code picker} scores when it {@link Picker#describe describes} {@code request}:
   * how a wrapping picker tells which servers a delegate sees (the local zone, one tier).
   *
   * @param picker the picker to ask, or null for none
   * @param request the request being explained
   * @param chosen what the pick chose, or null
   * @return the servers scored, in the order given; empty for a picker that describes nothing
   */
  static Set<Server> scored(Picker picker, Request request, Server chosen) {
    Set<Server> seen = new LinkedHashSet<>();
    if (picker != null) {
      picker.describe(request, chosen, new PickReport() {
        @Override
        public void score(Server server, String score) {
          seen.add(server);
        }

        @Override
        public void leftOut(Server server, String reason) {}

        @Override
        public void health(Server server, String state) {}

        @Override
        public void note(String note) {}
      });
    }
    return seen;
  }
}
