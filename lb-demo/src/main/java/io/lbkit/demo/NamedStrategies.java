package io.lbkit.demo;

import io.lbkit.Strategy;
import io.lbkit.http.HttpProber;
import io.lbkit.strategy.PrequalConfig;
import io.lbkit.strategy.Strategies;
import java.net.http.HttpClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.TreeSet;

/**
 * A strategy by its {@link Strategies} factory name ({@code "peakEwma"} gives {@code
 * Strategies.peakEwma()}), so the demo's {@code --strategy} accepts every no-argument factory of
 * the build it runs on, and {@code "prequal"}, whose probes go through the demo's HTTP client to
 * each inventory server's lb-server probe path.
 */
final class NamedStrategies {
  /** The one strategy by name that needs more than a no-argument factory. */
  static final String PREQUAL = "prequal";

  private NamedStrategies() {}

  /** {@link #byName(String)}, and {@code prequal} probing through {@code http}. */
  static Strategy byName(String name, HttpClient http) {
    if (PREQUAL.equals(name)) {
      return Strategies.prequal(PrequalConfig.of(HttpProber.create(http)));
    }
    return byName(name);
  }

  static Strategy byName(String name) {
    Method m = factory(name);
    if (m == null) {
      throw new IllegalArgumentException("strategy: " + name + " (expected: one of " + names()
          + ")");
    }
    try {
      return (Strategy) m.invoke(null);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("Strategies." + name + "() failed", e);
    }
  }

  static boolean exists(String name) {
    return PREQUAL.equals(name) || factory(name) != null;
  }

  /** The names of every public no-argument factory and {@code prequal}, sorted. */
  static List<String> names() {
    TreeSet<String> names = new TreeSet<>();
    names.add(PREQUAL);
    for (Method m : Strategies.class.getMethods()) {
      if (isFactory(m)) {
        names.add(m.getName());
      }
    }
    return List.copyOf(names);
  }

  private static Method factory(String name) {
    try {
      Method m = Strategies.class.getMethod(name);
      return isFactory(m) ? m : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static boolean isFactory(Method m) {
    return Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
        && Strategy.class.isAssignableFrom(m.getReturnType());
  }
}
