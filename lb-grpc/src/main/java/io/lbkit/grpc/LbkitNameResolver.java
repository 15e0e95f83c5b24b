package io.lbkit.grpc;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.util.List;

/**
 * The resolver of one channel for one service: relays its {@link ServiceFeed}'s lists to gRPC on
 * the channel's synchronization context, as {@link NameResolver.Listener2} requires.
 */
final class LbkitNameResolver extends NameResolver implements ServiceFeed.Subscriber {
  private final String service;
  private final ServiceFeed feed;
  private final SynchronizationContext syncContext;
  // confined to syncContext
  private Listener2 listener;
  private boolean shutdown;
  private List<EquivalentAddressGroup> last;

  LbkitNameResolver(String service, ServiceFeed feed, SynchronizationContext syncContext) {
    this.service = service;
    this.feed = feed;
    this.syncContext = syncContext;
  }

  @Override
  public String getServiceAuthority() {
    return service;
  }

  @Override
  public void start(Listener2 listener) {
    this.listener = listener;
    feed.subscribe(this);
  }

  @Override
  public void refresh() {
    feed.refresh();
  }

  @Override
  public void shutdown() {
    shutdown = true;
    feed.unsubscribe(this);
  }

  @Override
  public void onAddresses(List<EquivalentAddressGroup> addresses) {
    syncContext.execute(() -> {
      if (shutdown || addresses.equals(last)) {
        return;
      }
      last = addresses;
      listener.onResult2(ResolutionResult.newBuilder()
          .setAddressesOrError(StatusOr.fromValue(addresses))
          .build());
    });
  }

  @Override
  public void onSourceFailure(Throwable error) {
    syncContext.execute(() -> {
      // Only before the first list: afterwards the channel keeps the last good one.
      if (shutdown || last != null) {
        return;
      }
      listener.onError(Status.UNAVAILABLE
          .withDescription("lbkit: no servers yet for '" + service + "': " + error)
          .withCause(error));
    });
  }

  @Override
  public String toString() {
    return "LbkitNameResolver{" + service + '}';
  }
}
