package io.lbkit.grpc;

import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.lbkit.HealthTracker;
import io.lbkit.Server;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;

/**
 * Records each stream to one server in lbkit's tracker, as gRPC's least-request policy counts its
 * outstanding requests: the count starts when the stream is created on the subchannel's
 * transport, not at the pick, because a pick on a subchannel that just lost its connection is
 * dropped by the channel without a stream, and a count started then would never end.
 *
 * <p>One factory per subchannel, made on the write path, so a pick allocates nothing; one tracer
 * per stream, which takes the server's breaker permission, starts its in-flight count and ends it
 * exactly once in {@code streamClosed}: OK is a success, CANCELLED a cancel (nothing counted),
 * one of the failure codes a failure, any other code a success (the server answered: the error
 * is the application's). A load report in the answer's headers or trailers (ORCA's per-call
 * forms, {@link OrcaMetadata}) is reported for the server, for strategies that weigh by it.
 */
final class StreamOutcomes extends ClientStreamTracer.Factory {
  private final HealthTracker tracker;
  private final Server server;
  private final boolean[] failure; // by Status.Code.value()

  StreamOutcomes(HealthTracker tracker, Server server, boolean[] failure) {
    this.tracker = tracker;
    this.server = server;
    this.failure = failure;
  }

  static boolean[] table(Set<Status.Code> failureCodes) {
    boolean[] t = new boolean[Status.Code.values().length + 1];
    for (Status.Code c : failureCodes) {
      t[c.value()] = true;
    }
    return t;
  }

  Server server() {
    return server;
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info,
      Metadata headers) {
    return new Tracer(this);
  }

  private static final class Tracer extends ClientStreamTracer {
    private static final VarHandle ENDED;

    static {
      try {
        ENDED = MethodHandles.lookup().findVarHandle(Tracer.class, "ended", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final StreamOutcomes owner;
    private final HealthTracker.Permit permit;
    private final long startNanos;
    @SuppressWarnings("unused") // through ENDED
    private volatile int ended;

    Tracer(StreamOutcomes owner) {
      this.owner = owner;
      // The pick chose a candidate, so its breaker admits calls; REFUSED is a half-open breaker
      // whose probe slots went to other streams since: the stream is on its way all the same,
      // so it is carried (in flight, then cancelled) without counting for or against the server.
      this.permit = owner.tracker.tryAcquirePermission(owner.server);
      this.startNanos = owner.tracker.onStart(owner.server);
    }

    @Override
    public void inboundHeaders(Metadata headers) {
      OrcaMetadata.report(owner.tracker, owner.server, headers);
    }

    @Override
    public void inboundTrailers(Metadata trailers) {
      OrcaMetadata.report(owner.tracker, owner.server, trailers);
    }

    @Override
    public void streamClosed(Status status) {
      if (!ENDED.compareAndSet(this, 0, 1)) {
        return;
      }
      HealthTracker t = owner.tracker;
      Server s = owner.server;
      if (permit == HealthTracker.Permit.REFUSED) {
        t.onCancel(s, startNanos, HealthTracker.Permit.GRANTED);
      } else if (status.isOk()) {
        t.onSuccess(s, startNanos, permit);
      } else if (status.getCode() == Status.Code.CANCELLED) {
        t.onCancel(s, startNanos, permit);
      } else if (owner.failure[status.getCode().value()]) {
        t.onFailure(s, startNanos, permit, status.asRuntimeException());
      } else {
        t.onSuccess(s, startNanos, permit);
      }
    }
  }
}
