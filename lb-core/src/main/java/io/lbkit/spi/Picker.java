package io.lbkit.spi;

import io.lbkit.Request;
import io.lbkit.Server;

/**
 * An immutable decision procedure over one {@link Candidates} set, built by a {@link
 * io.lbkit.Strategy} on the write path and read through one volatile field on the pick path.
 *
 * <p>Contract for {@link #pick}: called concurrently from any number of threads; must not lock,
 * allocate, block or throw; may update atomic counters it owns (a round-robin sequence) and read
 * {@link ServerLoad}. It returns a candidate that the request does not exclude, or null when
 * every candidate is excluded. It is never built over an empty candidate set.
 */
@FunctionalInterface
public interface Picker {
  Server pick(Request request);
}
