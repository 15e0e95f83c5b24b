package io.lbkit.grpc;

import io.grpc.EquivalentAddressGroup;
import io.lbkit.PoolListener;
import io.lbkit.PoolSnapshot;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.discovery.Discovery;
import io.lbkit.discovery.DiscoveryListener;
import io.lbkit.discovery.DiscoveryStatus;
import io.lbkit.discovery.ServerSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One service's servers, shared by every resolver of that service: a {@link Discovery} binder
 * keeping a private {@link ServerPool} in step with the user's {@link ServerSource}, started by
 * the first resolver and stopped by {@link LbkitNameResolverProvider#close()}.
 *
 * <p>The resolvers see the pool's servers that are not drained: the binder drains a server that
 * left the source before it removes it, and a drained server must take no new calls, which for
 * gRPC means leaving the address list (the subchannel then shuts down gracefully: streams in
 * flight finish). Only the binder's decisions reach gRPC, so a failing source keeps the last good
 * list, and an identical list is not pushed again.
 *
 * <p>Threading: {@link #subscribe} and {@link #unsubscribe} from any thread; subscribers are
 * called on the thread that changed the pool (the source's or the binder's timer), never on a
 * gRPC thread, and each resolver hops onto its channel's synchronization context.
 */
final class ServiceFeed implements PoolListener, DiscoveryListener, AutoCloseable {
  /** What a resolver is told. */
  interface Subscriber {
    void onAddresses(List<EquivalentAddressGroup> addresses);

    void onSourceFailure(Throwable error);
  }

  private final String service;
  private final ServerSource source;
  private final Consumer<Discovery.Builder> options;
  private final ServerPool pool = ServerPool.empty();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private Discovery discovery; // guarded by lock; null until the first subscriber
  private boolean closed; // guarded by lock
  private volatile List<Server> published; // null: never had a list
  private volatile List<EquivalentAddressGroup> addresses;

  ServiceFeed(String service, ServerSource source, Consumer<Discovery.Builder> options) {
    this.service = service;
    this.source = source;
    this.options = options;
  }

  /** Adds {@code s}, starting the binder on first use; tells it the current list if one exists. */
  void subscribe(Subscriber s) {
    subscribers.add(s);
    synchronized (lock) {
      if (closed) {
        subscribers.remove(s);
        s.onSourceFailure(new IllegalStateException("the lbkit name resolver provider is closed"));
        return;
      }
      if (discovery == null) {
        pool.addListener(this);
        Discovery.Builder b = Discovery.builder(source, pool).name("grpc:" + service)
            .listener(this);
        options.accept(b);
        discovery = b.start();
        return;
      }
    }
    List<EquivalentAddressGroup> current = addresses;
    if (current != null) {
      s.onAddresses(current);
    } else {
      Throwable error = lastError();
      if (error != null) {
        s.onSourceFailure(error);
      }
    }
  }

  void unsubscribe(Subscriber s) {
    subscribers.remove(s);
  }

  /** Asks the source to look again (rate-limited by the binder). */
  void refresh() {
    Discovery d;
    synchronized (lock) {
      d = discovery;
    }
    if (d != null) {
      d.refresh();
    }
  }

  private Throwable lastError() {
    Discovery d;
    synchronized (lock) {
      d = discovery;
    }
    return d == null ? null : d.status().lastError().orElse(null);
  }

  @Override
  public void onPoolChange(PoolSnapshot previous, PoolSnapshot current) {
    List<Server> live = new ArrayList<>();
    for (Server s : current.servers()) {
      if (!s.isDrained()) {
        live.add(s);
      }
    }
    if (live.equals(published)) {
      return;
    }
    List<EquivalentAddressGroup> groups = new ArrayList<>(live.size());
    for (Server s : live) {
      groups.add(ServerAddresses.toAddressGroup(s));
    }
    List<EquivalentAddressGroup> frozen = List.copyOf(groups);
    published = List.copyOf(live);
    addresses = frozen;
    for (Subscriber s : subscribers) {
      s.onAddresses(frozen);
    }
  }

  @Override
  public void onSourceFailure(Throwable error, DiscoveryStatus status) {
    if (addresses != null) {
      return; // the binder keeps the last good list, and so do the channels
    }
    for (Subscriber s : subscribers) {
      s.onSourceFailure(error);
    }
  }

  @Override
  public void close() {
    Discovery d;
    synchronized (lock) {
      closed = true;
      d = discovery;
    }
    if (d != null) {
      d.close();
    }
    pool.removeListener(this);
  }

  @Override
  public String toString() {
    return "ServiceFeed{" + service + ", " + source + '}';
  }
}
