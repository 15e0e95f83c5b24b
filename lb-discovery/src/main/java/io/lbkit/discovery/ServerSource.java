package io.lbkit.discovery;

import io.lbkit.RandomSource;
import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Where a pool's servers come from: a registry, a file, DNS. The SPI: a source pushes the
 * <em>whole</em> current list every time (never a delta, so a lost or repeated push cannot leave
 * the pool wrong) and its failures to a {@link Listener}; a {@link Discovery} receives them and
 * decides what reaches the pool.
 *
 * <p>A source only reports. It does not validate, deduplicate, keep the last good list or delay
 * removals: the binder does all of that, the same way for every source. A source may push the same
 * list again (the binder drops it), an empty list (kept out of the pool unless the user allows
 * empty answers) or a bad one (rejected with a warning).
 *
 * <p>Threading: {@link #start} is called once, by {@link Discovery.Builder#start()}; {@link
 * #refresh} and {@link #close} may be called from any thread, and {@code close} may come while a
 * push is under way. A source may push from any thread, but one push at a time and in the order
 * its answers were obtained, so that an older list never overwrites a newer one. A source that
 * blocks (a network lookup, a file read) does so on {@link Context#executor()}, never on {@link
 * Context#scheduler()}, whose tasks must stay short.
 */
public interface ServerSource {

  /**
   * Starts reporting to {@code listener}: the first list as soon as it is known, then every
   * change (or every answer: repeats are fine). Called once; must not block.
   *
   * @param listener where the lists and failures go
   * @param context the clock, timers, threads and randomness to use, shared with the binder
   */
  void start(Listener listener, Context context);

  /**
   * A hint that the list may be out of date (calls just failed on every server, say): a polling
   * source looks up again soon instead of at its next due time; a source that is told of changes
   * as they happen may ignore it. {@link Discovery#refresh()} limits how often this is called.
   */
  default void refresh() {}

  /** Stops reporting and releases what {@link #start} took. Idempotent; must not block long. */
  void close();

  /**
   * A source that reports these servers once and never changes: for fixed lists, tests and
   * bootstrapping.
   *
   * @param servers the list, in order
   * @return the source
   * @throws NullPointerException if {@code servers} or one of its elements is null
   */
  static ServerSource of(Server... servers) {
    Checks.notNull(servers, "servers");
    return of(Arrays.asList(servers));
  }

  /**
   * A source that reports these servers once and never changes: for fixed lists, tests and
   * bootstrapping.
   *
   * @param servers the list, in iteration order; copied
   * @return the source
   * @throws NullPointerException if {@code servers} or one of its elements is null
   */
  static ServerSource of(Collection<Server> servers) {
    Checks.notNull(servers, "servers");
    int i = 0;
    for (Server s : servers) {
      Checks.notNull(s, "servers[" + i++ + "]");
    }
    return new StaticSource(List.copyOf(servers));
  }

  /**
   * Receives a source's reports. Implemented by {@link Discovery}; what it throws never reaches
   * the source. Safe to call from any thread.
   */
  interface Listener {
    /**
     * The source's complete current list.
     *
     * @param servers every server the source knows now, in the source's order; may be empty
     */
    void onServers(List<Server> servers);

    /**
     * The source could not get a list (a lookup failed, timed out, or the answer was unusable).
     *
     * @param error what went wrong, for the log and {@link DiscoveryStatus#lastError()}
     */
    void onError(Throwable error);
  }

  /**
   * What a source runs on, shared with the {@link Discovery} that started it, so that tests drive
   * every timer of a binder and its source with one manual scheduler.
   */
  interface Context {
    /** {@return the clock for intervals, deadlines and rate limits} */
    Ticker ticker();

    /** {@return the timers; their tasks must be short and must not block} */
    Scheduler scheduler();

    /** {@return where blocking work (a lookup, a file read) runs} */
    Executor executor();

    /** {@return the randomness for jitter} */
    RandomSource random();
  }
}
