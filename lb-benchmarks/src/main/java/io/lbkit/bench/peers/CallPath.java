package io.lbkit.bench.peers;

/**
 * A shared balancer whose calls need per-thread objects (Dubbo's invocation is mutated by the
 * cluster invoker): each benchmark thread asks for its own {@link Chooser} once, in setup.
 */
@FunctionalInterface
public interface CallPath {
  Chooser forThread();
}
