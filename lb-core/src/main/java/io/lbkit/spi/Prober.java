package io.lbkit.spi;

import io.lbkit.Server;
import java.util.concurrent.CompletionStage;

/**
 * Asks a server, asynchronously, how loaded it is right now: its requests in flight and the
 * latency it expects at that load ({@link ProbeResult}). Probing strategies (Prequal: {@code
 * Strategies.prequal}) call it from their probe task, never on the pick path, and keep the
 * answers in a small pool that picks read without a lock.
 *
 * <p>Threading: {@link #probe} may be called from any thread, concurrently, and must not block:
 * it starts the probe (an HTTP request to {@code lb-server}'s probe path, a gRPC call, a read of a
 * simulated server) and returns at once. The stage may complete on any thread; a failed or
 * cancelled stage only means no answer. An exception thrown by {@link #probe} itself is caught
 * and counted as no answer.
 */
@FunctionalInterface
public interface Prober {
  /**
   * Starts one probe of {@code server}.
   *
   * @param server the server to ask, a current candidate
   * @return completes with the server's answer, or exceptionally when it gave none
   */
  CompletionStage<ProbeResult> probe(Server server);
}
