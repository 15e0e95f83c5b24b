package io.lbkit.spi;

import io.lbkit.NoServerAvailableException;
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
}
