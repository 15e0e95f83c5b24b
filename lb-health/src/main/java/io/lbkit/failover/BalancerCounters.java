package io.lbkit.failover;

import io.lbkit.NoServerAvailableException;
import io.lbkit.internal.Checks;
import io.lbkit.internal.DefaultSelector;

/**
 * What a {@link LoadBalancer} has counted since it was built: attempts and budget refusals by
 * kind, refusals by reason, pool changes followed and pickers published. A live view; each
 * figure only grows, and reading it is cheap (a sum of a few stripes) and takes no lock except
 * {@link #pickerPublications()}, which waits for a rebuild in progress. For metrics
 * (lb-micrometer reads these as function counters) and tests.
 */
public final class BalancerCounters {
  private final CallEvents events;
  private final DefaultSelector selector;

  BalancerCounters(CallEvents events, DefaultSelector selector) {
    this.events = events;
    this.selector = selector;
  }

  /**
   * {@return how many attempts of {@code kind} were begun} {@link AttemptKind#FIRST} counts the
   * calls that found a server (and {@code begin()} handles), so retries per call are {@code
   * attempts(RETRY) / attempts(FIRST)}.
   *
   * @param kind the kind asked about
   * @throws NullPointerException if {@code kind} is null
   */
  public long attempts(AttemptKind kind) {
    return events.attempts(Checks.notNull(kind, "kind"));
  }

  /**
   * {@return how many extra attempts of {@code kind} the retry budget refused}
   *
   * @param kind the kind asked about; {@link AttemptKind#FIRST} and {@link
   *     AttemptKind#BROADCAST} never need the budget and stay 0
   * @throws NullPointerException if {@code kind} is null
   */
  public long budgetRefusals(AttemptKind kind) {
    return events.budgetRefusals(Checks.notNull(kind, "kind"));
  }

  /**
   * {@return how many picks, begins or calls were refused for {@code reason}} Counted when the
   * refusal reaches the caller: a {@code NoServerAvailableException} thrown, or a fallback given
   * under {@code failSafe} and {@code failBack}.
   *
   * @param reason the reason asked about
   * @throws NullPointerException if {@code reason} is null
   */
  public long refusals(NoServerAvailableException.Reason reason) {
    return selector.refusals(Checks.notNull(reason, "reason"));
  }

  /** {@return how many pool changes the balancer followed} */
  public long poolUpdates() {
    return selector.poolUpdates();
  }

  /**
   * {@return how many pickers the balancer published} The first one and one per change of what
   * the strategy reads; a change it does not read (a ramp step under Maglev) publishes none.
   */
  public long pickerPublications() {
    return selector.publications();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("BalancerCounters{attempts");
    for (AttemptKind k : AttemptKind.values()) {
      b.append(' ').append(k).append('=').append(attempts(k));
    }
    return b.append(", pool updates=").append(poolUpdates()).append(", pickers=")
        .append(pickerPublications()).append('}').toString();
  }
}
