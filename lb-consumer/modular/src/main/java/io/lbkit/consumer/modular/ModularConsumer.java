package io.lbkit.consumer.modular;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link LoadBalancer} over three servers from the module path, chooses and executes
 * through it, and checks what the module system made of lbkit: named modules, their
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
    for (String required : new String[] {"org.slf4j", "com.github.benmanes.caffeine",
        "io.github.resilience4j.circuitbreaker"}) {
      Optional<Module> m = ModuleLayer.boot().findModule(required);
      check(m.isPresent(), required + " was resolved from io.lbkit.health's requires");
    }
    System.out.println("module path consumer: chose " + chosen + ", " + answer
        + "; io.lbkit.internal hidden from " + me.getName());
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
