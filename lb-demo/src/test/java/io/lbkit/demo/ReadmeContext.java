package io.lbkit.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.health.HealthListener;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.net.http.HttpClient;
import java.util.List;

/**
 * What the README's snippets take as given (the reader's own clients, a pool, a scheduler...):
 * {@link ReadmeSnippetsTest} compiles each snippet as the body of a subclass of this one.
 */
public abstract class ReadmeContext {
  /** The reader's domain types and clients, standing in for their own. */
  public static final class Order {}

  public static final class Stock {}

  public static final class InventoryClient {
    public int calls;

    public void reserve(Server server, Order order) throws java.io.IOException {
      calls++;
    }
  }

  public static final class StockClient {
    public Stock read(Server server, String sku) {
      return new Stock();
    }
  }

  public static final class OrderClient {
    public Order place(Server server, Order order) {
      return order;
    }
  }

  /** The reader's service registry, as the discovery snippet calls it. */
  public static final class Catalog {
    public List<Server> instances(String service) {
      return List.of(Server.of("127.0.0.1", 9001), Server.of("127.0.0.1", 9002));
    }
  }

  public final InventoryClient inventoryClient = new InventoryClient();
  public final StockClient stockClient = new StockClient();
  public final OrderClient orderClient = new OrderClient();
  public final Catalog catalog = new Catalog();
  public final Order order = new Order();
  public final String sku = "sku-42";
  public final Scheduler scheduler = new ManualScheduler(new ManualTicker());
  public final HealthListener listener = new HealthListener() {};
  public final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
  public HttpClient client;
  public HttpClient http;
  public List<Server> servers;
  /** A ZooKeeper connect string ({@code host:port}): an in-process TestingServer's. */
  public String zookeeperConnect;
  /**
   * A fabric8 client of fabric8's mock API server (CRUD mode), which lists one EndpointSlice of
   * the Service {@code shop/inventory}: two ready endpoints, zones eu-1 and eu-2, port "http".
   */
  public KubernetesClient kubernetesClient;
  public ServerPool pool;

  /** The snippet, run once. */
  public abstract void run() throws Exception;
}
