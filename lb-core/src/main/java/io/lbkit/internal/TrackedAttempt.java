package io.lbkit.internal;

import io.lbkit.Attempt;
import io.lbkit.HealthTracker;
import io.lbkit.LoadReport;
import io.lbkit.Server;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The {@link Attempt} every selector hands out: it owns the permission it was given, so ending it
 * gives back exactly what it took (a half-open probe slot only if it took one). Subclasses (the
 * failover engine's) add to the outcome through {@link #ended}.
 */
public class TrackedAttempt implements Attempt {
  private static final VarHandle ENDED;

  static {
    try {
      ENDED = MethodHandles.lookup().findVarHandle(TrackedAttempt.class, "ended", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final HealthTracker tracker;
  private final Server server;
  private final HealthTracker.Permit permit;
  private final long startNanos;
  private final boolean confined;
  @SuppressWarnings("unused") // through ENDED
  private volatile int ended;

  /**
   * Starts the in-flight count of {@code server}, whose {@code permit} the caller took.
   *
   * @param tracker the tracker the attempt reports to
   * @param server the chosen server
   * @param permit the permit taken for it, never {@code REFUSED}
   */
  public TrackedAttempt(HealthTracker tracker, Server server, HealthTracker.Permit permit) {
    this(tracker, server, permit, false);
  }

  /**
   * As {@link #TrackedAttempt(HealthTracker, Server, HealthTracker.Permit)}; {@code confined}
   * promises that one thread makes the call and ends it (a blocking attempt nobody else holds),
   * so ending takes a plain write instead of a compare-and-set, and the JIT can keep such an
   * attempt off the heap.
   *
   * @param tracker the tracker the attempt reports to
   * @param server the chosen server
   * @param permit the permit taken for it, never {@code REFUSED}
   * @param confined true only when one thread makes the call and ends the attempt
   */
  protected TrackedAttempt(HealthTracker tracker, Server server, HealthTracker.Permit permit,
      boolean confined) {
    this.tracker = tracker;
    this.server = server;
    this.permit = permit;
    this.confined = confined;
    this.startNanos = tracker.onStart(server);
  }

  /**
   * An attempt on {@code server}, chosen by the caller: its permission taken and the call
   * started; null when the tracker refuses the permission.
   *
   * @param tracker the tracker to take the permission from and report to
   * @param server the server the caller chose
   * @return the started attempt, or null
   */
  public static TrackedAttempt tryStart(HealthTracker tracker, Server server) {
    HealthTracker.Permit permit = tracker.tryAcquirePermission(server);
    return permit == HealthTracker.Permit.REFUSED ? null
        : new TrackedAttempt(tracker, server, permit);
  }

  @Override
  public final Server server() {
    return server;
  }

  @Override
  public final long startNanos() {
    return startNanos;
  }

  @Override
  public final boolean success() {
    if (!end()) {
      return false;
    }
    tracker.onSuccess(server, startNanos, permit);
    ended(true);
    return true;
  }

  @Override
  public final boolean failure(Throwable error) {
    if (!end()) {
      return false;
    }
    tracker.onFailure(server, startNanos, permit, error);
    ended(false);
    return true;
  }

  @Override
  public final boolean cancel() {
    if (!end()) {
      return false;
    }
    tracker.onCancel(server, startNanos, permit);
    cancelled();
    return true;
  }

  /** Recorded whether or not the attempt has ended: a header may be read after the end. */
  @Override
  public final void report(LoadReport report) {
    tracker.onLoadReport(server, Checks.notNull(report, "report"));
  }

  @Override
  public final boolean isEnded() {
    return ended != 0;
  }

  private boolean end() {
    if (confined) {
      if ((int) ENDED.get(this) != 0) {
        return false;
      }
      ENDED.set(this, 1);
      return true;
    }
    return ENDED.compareAndSet(this, 0, 1);
  }

  /**
   * After the tracker heard a success or failure (not a cancel): for subclasses.
   *
   * @param success true for a success, false for a failure
   */
  protected void ended(boolean success) {}

  /** After the tracker heard a cancel: for subclasses (stopping the call itself). */
  protected void cancelled() {}

  @Override
  public String toString() {
    return "Attempt{" + server.id() + (isEnded() ? ", ended" : "") + '}';
  }
}
