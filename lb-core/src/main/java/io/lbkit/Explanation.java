package io.lbkit;

import io.lbkit.internal.Checks;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pick for one request would consider now, from {@link Selector#explain}: every member of
 * the pool with why it is or is not a candidate, each candidate's score as the strategy sees it,
 * facts about the whole pick (panic, the zone or tier in use), and the server the pick would
 * choose. Immutable; made off the pick path, which it leaves as it was.
 *
 * <p>The chosen server is made by the selector's current picker itself, run on a copy of its
 * state ({@link Picker#copy}): a copy of the random sequence ({@link RandomSource#copy}) and of
 * any cursor. So when the explanation {@link #isExact() is exact}, {@link #chosen()} is the server
 * the next {@code choose(request)} on the same thread returns, provided nothing changes in
 * between (no other pick, no call starting or ending, no pool or health change). It is exact when
 * the selector's random source can be copied ({@link RandomSource#seeded}) or the pick drew
 * nothing from it (round robin, a keyed hash); with the thread-local source a picker that draws
 * shows one pick it might make.
 */
public final class Explanation {

  /** Where a member of the pool stands for this pick. */
  public enum Status {
    /** The server the pick would choose. */
    CHOSEN,
    /** A candidate the pick may choose, not chosen this time. */
    CANDIDATE,
    /** A candidate the request excludes (a server a retry already tried). */
    EXCLUDED_BY_REQUEST,
    /** A candidate the strategy leaves out of this pick (another zone, tier or subset). */
    LEFT_OUT,
    /** No candidate at all: health or weight took it out (ejected, breaker open, drained). */
    UNAVAILABLE
  }

  /** One member of the pool, as the pick sees it. */
  public static final class Entry {
    private final Server server;
    private final Status status;
    private final String reason;
    private final String score;
    private final String health;
    private final double ramp;

    private Entry(Server server, Status status, String reason, String score, String health,
        double ramp) {
      this.server = server;
      this.status = status;
      this.reason = reason;
      this.score = score;
      this.health = health;
      this.ramp = ramp;
    }

    /** {@return the server} */
    public Server server() {
      return server;
    }

    /** {@return where it stands} */
    public Status status() {
      return status;
    }

    /** {@return why it is not choosable, or null for a choosable candidate} */
    public String reason() {
      return reason;
    }

    /** {@return its score as the strategy compares it, or null when the strategy gave none} */
    public String score() {
      return score;
    }

    /** {@return what health says of it (ejection, breaker, slow start), or null for nothing} */
    public String health() {
      return health;
    }

    /**
     * The factor on its share of traffic: slow start times a subset's partial share.
     *
     * @return in (0, 1] for a candidate, 0 for a server that is none
     */
    public double ramp() {
      return ramp;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder().append(status).append(' ').append(server.id());
      if (reason != null) {
        b.append(": ").append(reason);
      }
      if (score != null) {
        b.append("; score ").append(score);
      }
      if (ramp > 0.0 && ramp < 1.0) {
        b.append("; ramp ").append(String.format(java.util.Locale.ROOT, "%.3f", ramp));
      }
      if (health != null && (status != Status.UNAVAILABLE || !health.equals(reason))) {
        b.append("; health ").append(health);
      }
      return b.toString();
    }
  }

  private final String strategy;
  private final Request request;
  private final Server chosen;
  private final boolean exact;
  private final NoServerAvailableException refusal;
  private final List<Entry> entries;
  private final List<String> notes;

  private Explanation(String strategy, Request request, Server chosen, boolean exact,
      NoServerAvailableException refusal, List<Entry> entries, List<String> notes) {
    this.strategy = strategy;
    this.request = request;
    this.chosen = chosen;
    this.exact = exact;
    this.refusal = refusal;
    this.entries = List.copyOf(entries);
    this.notes = List.copyOf(notes);
  }

  /**
   * Explains what {@code picker} would choose for {@code request} now: for {@link Selector}
   * implementations, which call it with their current picker and the candidates it was built
   * from. Runs the picker's {@link Picker#copy copy}, never the picker; asks {@code tracker} and
   * {@code picker} to {@link HealthTracker#describe describe} what they see.
   *
   * @param strategy the strategy's name, as shown
   * @param request the request to explain
   * @param candidates the candidates {@code picker} chooses from
   * @param picker the selector's current picker
   * @param tracker the selector's tracker
   * @param random the selector's random source; not drawn from when it can be copied
   * @return the explanation
   * @throws NullPointerException if an argument is null
   */
  public static Explanation of(String strategy, Request request, Candidates candidates,
      Picker picker, HealthTracker tracker, RandomSource random) {
    Checks.notNull(strategy, "strategy");
    Checks.notNull(request, "request");
    Checks.notNull(candidates, "candidates");
    Checks.notNull(picker, "picker");
    Checks.notNull(tracker, "tracker");
    RandomSource copy = Checks.notNull(random, "random").copy();
    Counting counting = copy == null ? new Counting(RandomSource.threadLocal()) : null;
    Picker twin = picker.copy(copy != null ? copy : counting);
    Server chosen = twin == null ? null : twin.pick(request);
    boolean exact = twin != null && (copy != null || counting.draws == 0);
    NoServerAvailableException refusal =
        twin != null && chosen == null ? picker.refusal(request) : null;

    Report report = new Report();
    tracker.describe(candidates.pool(), candidates, report);
    picker.describe(request, chosen, report);
    Map<String, Integer> index = new HashMap<>(candidates.size() * 2);
    for (int i = 0; i < candidates.size(); i++) {
      index.put(candidates.server(i).id(), i);
    }
    List<Entry> entries = new ArrayList<>(candidates.pool().size());
    for (Server s : candidates.pool().servers()) {
      Integer i = index.get(s.id());
      String id = s.id();
      String health = report.health.get(id);
      Status status;
      String reason = null;
      if (i == null) {
        status = Status.UNAVAILABLE;
        reason = health != null ? health : s.weight() == 0 ? "drained (weight 0)"
            : "not a candidate";
      } else if (request.excludes(s)) {
        status = Status.EXCLUDED_BY_REQUEST;
        reason = "excluded by the request (tried already)";
      } else if (report.leftOut.containsKey(id)) {
        status = Status.LEFT_OUT;
        reason = report.leftOut.get(id);
      } else {
        status = chosen != null && chosen.id().equals(id) ? Status.CHOSEN : Status.CANDIDATE;
      }
      entries.add(new Entry(s, status, reason, report.scores.get(id), health,
          i == null ? 0.0 : candidates.ramp(i)));
    }
    if (twin == null) {
      report.notes.add("the picker cannot be copied, so the server it would choose is unknown");
    }
    return new Explanation(strategy, request, chosen, exact, refusal, entries, report.notes);
  }

  /** {@return the strategy's name} */
  public String strategy() {
    return strategy;
  }

  /** {@return the request explained} */
  public Request request() {
    return request;
  }

  /** {@return the server the pick would choose, or null when it would choose none} */
  public Server chosen() {
    return chosen;
  }

  /**
   * Whether {@link #chosen()} is exactly what the next {@code choose(request)} on this thread
   * returns, nothing changing in between; see the class comment.
   *
   * @return true when the pick was made on a copy of the selector's whole state
   */
  public boolean isExact() {
    return exact;
  }

  /** {@return why the pick would choose nothing ({@code choose} throws it), or null} */
  public NoServerAvailableException refusal() {
    return refusal;
  }

  /** {@return every member of the pool, in pool order} */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * The entry of {@code server}, matched by id.
   *
   * @param server a server
   * @return its entry, or null when it is not a member of the pool explained
   */
  public Entry entry(Server server) {
    for (Entry e : entries) {
      if (e.server.id().equals(server.id())) {
        return e;
      }
    }
    return null;
  }

  /** {@return facts about the whole pick: panic, the zone or tiers in use, departed servers} */
  public List<String> notes() {
    return notes;
  }

  /** Several lines: the pick, then one line per member of the pool, then the notes. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Explanation{").append(strategy).append(", ")
        .append(request).append(": ");
    if (chosen != null) {
      b.append("chooses ").append(chosen.id()).append(exact ? " (exact)" : " (one likely pick)");
    } else {
      b.append(refusal != null ? "chooses none: " + refusal.reason() : "chooses unknown");
    }
    for (Entry e : entries) {
      b.append("\n  ").append(e);
    }
    for (String n : notes) {
      b.append("\n  note: ").append(n);
    }
    return b.append("\n}").toString();
  }

  /** Collects what the tracker and the picker say, by server id. */
  private static final class Report implements PickReport {
    final Map<String, String> scores = new HashMap<>();
    final Map<String, String> leftOut = new HashMap<>();
    final Map<String, String> health = new HashMap<>();
    final List<String> notes = new ArrayList<>();

    @Override
    public void score(Server server, String score) {
      scores.put(server.id(), score);
    }

    @Override
    public void leftOut(Server server, String reason) {
      leftOut.put(server.id(), reason);
    }

    @Override
    public void health(Server server, String state) {
      health.put(server.id(), state);
    }

    @Override
    public void note(String note) {
      notes.add(note);
    }
  }

  /** A source that counts its draws: a pick that drew nothing is exact without a copy. */
  private static final class Counting implements RandomSource {
    private final RandomSource source;
    int draws;

    Counting(RandomSource source) {
      this.source = source;
    }

    @Override
    public int nextInt(int bound) {
      draws++;
      return source.nextInt(bound);
    }

    @Override
    public long nextLong() {
      draws++;
      return source.nextLong();
    }

    @Override
    public double nextDouble() {
      draws++;
      return source.nextDouble();
    }
  }
}
