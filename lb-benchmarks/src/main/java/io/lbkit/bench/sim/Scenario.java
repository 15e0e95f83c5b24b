package io.lbkit.bench.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A named, fully determined situation to run every variant through: the servers, when their
 * condition and the pool membership change, the workload, how many clients share it and the
 * length of the run. Immutable; presets are in {@link Scenarios}.
 *
 * <p>{@link #clients()} clients (1 by default) each run their own balancer (pool view, tracker,
 * selector, policy) over the same simulated servers and see only their own traffic; the offered
 * load is split evenly between them.
 */
public final class Scenario {

  /** What the over-time chart of a scenario shows, if any. */
  public enum Chart {
    /** No over-time chart. */
    NONE,
    /** The share of attempts that went to the focus servers, per time bucket. */
    FOCUS_SHARE,
    /** Attempts per second (first tries and retries) hitting the cluster, per time bucket. */
    ATTEMPT_RATE,
    /**
     * Calls at the first focus server (in service and queued), averaged over each time bucket;
     * the page adds its steady state before its first change and its peak after its last one.
     */
    FOCUS_DEPTH
  }

  /** From {@code atSeconds} on, server {@code server} (index in the specs) is in {@code condition}. */
  public record ServerChange(double atSeconds, int server, Condition condition) {}

  /** From {@code atSeconds} on, the pool holds the servers with these indices. */
  public record PoolChange(double atSeconds, List<Integer> members) {}

  private final int number;
  private final String slug;
  private final String title;
  private final String description;
  private final List<ServerSpec> servers;
  private final List<Integer> initialMembers;
  private final List<ServerChange> changes;
  private final List<PoolChange> poolChanges;
  private final Workload workload;
  private final double durationSeconds;
  private final Chart chart;
  private final List<Integer> focus;
  private final String focusLabel;
  private final int clients;
  private final boolean stepTable;

  private Scenario(Builder b) {
    this.number = b.number;
    this.slug = b.slug;
    this.title = b.title;
    this.description = b.description;
    this.servers = List.copyOf(b.servers);
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < servers.size(); i++) {
      all.add(i);
    }
    this.initialMembers = b.initialMembers != null ? List.copyOf(b.initialMembers) : all;
    this.changes = List.copyOf(b.changes);
    this.poolChanges = List.copyOf(b.poolChanges);
    this.workload = b.workload;
    this.durationSeconds = b.durationSeconds;
    this.chart = b.chart;
    this.focus = List.copyOf(b.focus);
    this.focusLabel = b.focusLabel;
    this.clients = b.clients;
    this.stepTable = b.stepTable;
    if (clients < 1) {
      throw new IllegalStateException("scenario " + slug + ": clients " + clients
          + " (expected: >= 1)");
    }
    if (servers.isEmpty() || workload == null || !(durationSeconds > 0)) {
      throw new IllegalStateException("scenario " + slug + ": servers, workload and a duration "
          + "> 0 (expected: all set)");
    }
  }

  public static Builder builder(int number, String slug, String title) {
    return new Builder(number, slug, title);
  }

  /** The same scenario run for {@code seconds} of virtual time instead (timeline kept as is). */
  public Scenario withDuration(double seconds) {
    Builder b = toBuilder();
    b.durationSeconds = seconds;
    return b.build();
  }

  /** The same scenario with another workload (for tests and sizing). */
  public Scenario withWorkload(Workload workload) {
    Builder b = toBuilder();
    b.workload = workload;
    return b.build();
  }

  /** The same scenario with {@code clients} clients sharing its load (for tests and sizing). */
  public Scenario withClients(int clients) {
    Builder b = toBuilder();
    b.clients = clients;
    return b.build();
  }

  private Builder toBuilder() {
    Builder b = new Builder(number, slug, title);
    b.description = description;
    b.servers.addAll(servers);
    b.initialMembers = initialMembers;
    b.changes.addAll(changes);
    b.poolChanges.addAll(poolChanges);
    b.workload = workload;
    b.durationSeconds = durationSeconds;
    b.chart = chart;
    b.focus.addAll(focus);
    b.focusLabel = focusLabel;
    b.clients = clients;
    b.stepTable = stepTable;
    return b;
  }

  public int number() {
    return number;
  }

  /** File-name friendly name, e.g. {@code s2-one-slow}. */
  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  public String description() {
    return description;
  }

  public List<ServerSpec> servers() {
    return servers;
  }

  public List<Integer> initialMembers() {
    return initialMembers;
  }

  public List<ServerChange> changes() {
    return changes;
  }

  public List<PoolChange> poolChanges() {
    return poolChanges;
  }

  public Workload workload() {
    return workload;
  }

  public double durationSeconds() {
    return durationSeconds;
  }

  public Chart chart() {
    return chart;
  }

  /** Indices of the servers the over-time share chart follows. */
  public List<Integer> focus() {
    return focus;
  }

  public String focusLabel() {
    return focusLabel;
  }

  /** How many clients, each with its own balancer, share the workload (1 by default). */
  public int clients() {
    return clients;
  }

  /** Whether the page shows p99, p99.9 and errors per step of the workload's rate. */
  public boolean stepTable() {
    return stepTable;
  }

  @Override
  public String toString() {
    return "scenario " + number + " (" + slug + ")";
  }

  /** Builds a {@link Scenario}. */
  public static final class Builder {
    private final int number;
    private final String slug;
    private final String title;
    private String description = "";
    private final List<ServerSpec> servers = new ArrayList<>();
    private List<Integer> initialMembers;
    private final List<ServerChange> changes = new ArrayList<>();
    private final List<PoolChange> poolChanges = new ArrayList<>();
    private Workload workload;
    private double durationSeconds;
    private Chart chart = Chart.NONE;
    private final List<Integer> focus = new ArrayList<>();
    private String focusLabel = "";
    private int clients = 1;
    private boolean stepTable;

    private Builder(int number, String slug, String title) {
      this.number = number;
      this.slug = slug;
      this.title = title;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    public Builder server(ServerSpec spec) {
      servers.add(spec);
      return this;
    }

    public Builder initialMembers(List<Integer> members) {
      this.initialMembers = List.copyOf(members);
      return this;
    }

    public Builder change(double atSeconds, int server, Condition condition) {
      changes.add(new ServerChange(atSeconds, server, condition));
      return this;
    }

    public Builder poolChange(double atSeconds, List<Integer> members) {
      poolChanges.add(new PoolChange(atSeconds, List.copyOf(members)));
      return this;
    }

    public Builder workload(Workload workload) {
      this.workload = workload;
      return this;
    }

    public Builder durationSeconds(double seconds) {
      this.durationSeconds = seconds;
      return this;
    }

    public Builder chart(Chart chart, String focusLabel, Integer... focus) {
      this.chart = chart;
      this.focusLabel = focusLabel;
      this.focus.addAll(List.of(focus));
      return this;
    }

    /** {@code clients} clients, each with its own balancer, split the workload evenly. */
    public Builder clients(int clients) {
      this.clients = clients;
      return this;
    }

    /** The page shows latency and errors per step of the workload's rate. */
    public Builder stepTable() {
      this.stepTable = true;
      return this;
    }

    public Scenario build() {
      return new Scenario(this);
    }
  }
}
