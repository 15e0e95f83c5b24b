package io.lbkit.consumer.modular;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.discovery.Discovery;
import io.lbkit.discovery.DnsSource;
import io.lbkit.discovery.ServerSource;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Builds a {@link LoadBalancer} over three servers from the module path, chooses and executes
 * through it, fills a pool through a {@link Discovery}, and checks what the module system made of lbkit: named modules, their
 * dependencies resolved, {@code io.lbkit.internal} not readable from here. Exits non-zero (an
 * uncaught {@link AssertionError}) when anything is off, which fails the build.
 *
 * <p>It sticks to the calls that stay stable while the rest of the API is reworked.
 */
public final class ModularConsumer {
  private ModularConsumer() {}

  public static void main(String[] args) throws Exception {
    Module me = ModularConsumer.class.getModule();
    check(me.isNamed(), "this program runs as a named module, not from the classpath");

    ServerPool pool = ServerPool.of(Server.of("127.0.0.1", 9001), Server.of("127.0.0.1", 9002),
        Server.of("127.0.0.1", 9003));
    Set<String> chosen = new LinkedHashSet<>();
    String answer;
    try (LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin()).build()) {
      for (int i = 0; i < 3; i++) {
        chosen.add(lb.choose().id());
      }
      answer = lb.execute(server -> "answered by " + server.id());
    }
    check(chosen.size() == 3, "round robin over 3 servers chose " + chosen);
    check(answer.startsWith("answered by 127.0.0.1:900"), "execute returned " + answer);

    Module core = moduleOf(Server.class, "io.lbkit.core");
    Module health = moduleOf(LoadBalancer.class, "io.lbkit.health");
    moduleOf(Strategies.class, "io.lbkit.strategies");
    check(core.isExported("io.lbkit") && core.isExported("io.lbkit.spi"),
        "io.lbkit.core exports its API packages");
    check(!core.isExported("io.lbkit.internal"), "io.lbkit.internal is not exported to all");
    check(!core.isExported("io.lbkit.internal", me), "io.lbkit.internal is not exported to me");
    check(core.isExported("io.lbkit.internal", health), "io.lbkit.internal is exported to lbkit");

    // Discovery from the module path: a binder fills a pool; a DNS source is built (dnsjava
    // loaded from its own module) but not started, so nothing is looked up.
    ServerPool discovered = ServerPool.empty();
    List<Server> first;
    try (Discovery d = Discovery.builder(ServerSource.of(Server.of("127.0.0.1", 9004)),
        discovered).start()) {
      first = d.ready().get(10, TimeUnit.SECONDS);
    }
    check(first.size() == 1 && discovered.servers().equals(first),
        "discovery filled the pool with " + first);
    String dns = DnsSource.srv("_http._tcp.inventory.example.com.").build().toString();
    Module discovery = moduleOf(Discovery.class, "io.lbkit.discovery");
    check(discovery.isExported("io.lbkit.discovery"), "io.lbkit.discovery exports its API");
    check(discovery.getPackages().size() == 1, "io.lbkit.discovery has one package, "
        + discovery.getPackages());
    check(core.isExported("io.lbkit.internal", discovery),
        "io.lbkit.internal is exported to io.lbkit.discovery");

    for (String required : new String[] {"org.slf4j", "com.github.benmanes.caffeine",
        "io.github.resilience4j.circuitbreaker", "org.dnsjava"}) {
      Optional<Module> m = ModuleLayer.boot().findModule(required);
      check(m.isPresent(), required + " was resolved from lbkit's requires");
    }
    System.out.println("module path consumer: chose " + chosen + ", " + answer
        + "; discovered " + first + "; built " + dns + "; io.lbkit.internal hidden from "
        + me.getName());
  }

  private static Module moduleOf(Class<?> type, String expected) {
    Module m = type.getModule();
    check(expected.equals(m.getName()), type.getName() + " is in module " + m.getName()
        + " (expected: " + expected + ")");
    return m;
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError("module path consumer: expected " + what);
    }
  }
}
