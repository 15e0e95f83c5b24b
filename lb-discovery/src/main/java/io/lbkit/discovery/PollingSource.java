package io.lbkit.discovery;

import io.lbkit.Server;
import io.lbkit.internal.Checks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * A source that calls a function of yours for the whole current list, at start and then on a
 * {@link Polling} schedule: the glue for any registry with a "list the instances" call (Consul's
 * health API, Eureka's REST API, a config service, a database table).
 *
 * <p>The function runs on the binder's {@linkplain ServerSource.Context#executor() executor}, so
 * it may block (an HTTP call); one call at a time. A call that throws, returns null, does not
 * return within the polling timeout, or returns null elements or two servers with the same id
 * is reported as a failure, logged once per outage, and the pool keeps its last good list. An
 * empty answer is kept out of the pool unless the binder allows empty answers.
 */
public final class PollingSource extends PolledSource {
  private final Callable<? extends Collection<Server>> lookup;

  private PollingSource(Callable<? extends Collection<Server>> lookup, Polling polling) {
    super(polling);
    this.lookup = lookup;
  }

  /**
   * A source that calls {@code lookup} at start and every 30 s ({@link Polling#defaults()}).
   *
   * @param lookup returns every server there is now; may block, may throw
   * @return the source
   * @throws NullPointerException if {@code lookup} is null
   */
  public static PollingSource of(Callable<? extends Collection<Server>> lookup) {
    return of(lookup, Polling.defaults());
  }

  /**
   * A source that calls {@code lookup} at start and then as {@code polling} says.
   *
   * @param lookup returns every server there is now; may block, may throw
   * @param polling the interval, backoff and timeout
   * @return the source
   * @throws NullPointerException if either is null
   */
  public static PollingSource of(Callable<? extends Collection<Server>> lookup, Polling polling) {
    return new PollingSource(Checks.notNull(lookup, "lookup"), Checks.notNull(polling, "polling"));
  }

  @Override
  CompletableFuture<PollLoop.Answer> poll(Executor executor) {
    return CompletableFuture.supplyAsync(() -> {
      Collection<Server> servers;
      try {
        servers = lookup.call();
      } catch (Exception e) {
        throw new CompletionException(e);
      }
      // A copy that keeps null elements, so that the binder can say which one was null.
      List<Server> copy = servers == null ? null
          : Collections.unmodifiableList(new ArrayList<>(servers));
      return new PollLoop.Answer(copy, null);
    }, executor);
  }

  @Override
  public String toString() {
    // A lambda's class name says nothing; name the binder instead (Discovery.Builder.name).
    return lookup.getClass().isSynthetic() ? "polling source" : "polling source " + lookup;
  }
}
