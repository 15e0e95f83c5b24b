package io.lbkit.discovery;

import java.util.ArrayList;
import java.util.List;

/** Writes down every event a binder sends, in order, as short strings and as objects. */
final class Recorder implements DiscoveryListener {
  final List<String> events = new ArrayList<>();
  final List<MembershipChange> changes = new ArrayList<>();
  final List<Throwable> failures = new ArrayList<>();
  final List<DiscoveryStatus> statuses = new ArrayList<>();

  @Override
  public synchronized void onChange(MembershipChange change) {
    changes.add(change);
    events.add("change " + change);
  }

  @Override
  public synchronized void onSourceFailure(Throwable error, DiscoveryStatus status) {
    failures.add(error);
    statuses.add(status);
    events.add("failure " + status.consecutiveFailures() + ": " + error.getMessage());
  }

  @Override
  public synchronized void onSourceRecovered(DiscoveryStatus status) {
    statuses.add(status);
    events.add("recovered");
  }

  synchronized List<String> events() {
    return List.copyOf(events);
  }
}
