package io.lbkit.spi;

import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;

/**
 * An immutable decision procedure over one {@link Candidates} set, built by a {@link
 * io.lbkit.Strategy} on the write path and read through one volatile field on the pick path.
 *
 * <p>Contract for {@link #pick}: called concurrently from any number of threads; must not lock,
 * allocate, block or throw; may update atomic counters it owns (a round-robin sequence) and read
 * {@link ServerLoad}. It returns a candidate that the request does not exclude, or null when
 * it has none for this request ({@link #refusal} then says why). It is never built over an empty
 * candidate set.
 *
 * <p>{@link #copy} and {@link #describe} serve {@link io.lbkit.Selector#explain}: called off the
 * pick path, they may allocate, and a picker that does not implement them is explained in
 * general terms only.
 */
@FunctionalInterface
public interface Picker {
  /**
   * Chooses a candidate for {@code request}; see the class comment for the contract.
   *
   * @param request the call's key and exclusions
   * @return a candidate the request does not exclude, or null when there is none
   */
  Server pick(Request request);

  /**
   * Why {@link #pick} returned null for {@code request}; asked only then, off the fast path, and
   * thrown to the caller as it is, so return an instance made on the write path ({@link
   * NoServerAvailableException#shared}). The default: every candidate is excluded by the request.
   *
   * @param request the request {@link #pick} found nothing for
   * @return the exception the selector throws, made on the write path
   */
  default NoServerAvailableException refusal(Request request) {
    return NoServerAvailableException.shared(NoServerAvailableException.Reason.ALL_EXCLUDED);
  }

  /**
   * A picker that makes the picks this one would make next, without moving this one: the same
   * code and tables, drawing from {@code random} (a {@link RandomSource#copy copy} of the
   * selector's source) and advancing private copies of any cursors. So the copy's first pick, on
   * the calling thread, is what this picker's next pick on that thread returns, as long as no
   * other pick comes between. Off the pick path: it may allocate; it must not change this
   * picker's state. Wrappers copy what they wrap, handing every copy the same {@code random}.
   *
   * @param random where the copy draws from
   * @return the copy, or null (the default) when this picker cannot make one
   */
  default Picker copy(RandomSource random) {
    return null;
  }

  /**
   * Writes down how this picker sees its candidates for {@code request}: each one's score and
   * the ones it leaves out (wrappers: other zones, tiers or subsets). Off the pick path; it must
   * not change this picker's state. The default writes nothing.
   *
   * @param request the request being explained
   * @param chosen what the picker's {@link #copy} chose for it, or null
   * @param report where to write
   */
  default void describe(Request request, Server chosen, PickReport report) {}
}
