package io.lbkit.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small property runner for JUnit tests: {@code tries} cases drawn from one seeded generator,
 * each checked by a body that throws on failure, and the first failing case shrunk before it is
 * reported. The seed is fixed, so CI runs the same cases every time; the report names the seed
 * and the try so a failure can be replayed.
 *
 * <p>Shrinking is greedy: take the first candidate the shrinker offers that still fails, start
 * again from it, stop when no candidate fails or after {@link #MAX_SHRINK_RUNS} runs of the body.
 * Shrinkers offer the simplest candidates first (drop half of a list before one element, size 0
 * before size - 1), so the reported case is usually small even when the first failure was not.
 */
final class PropertyRunner {
  static final int MAX_SHRINK_RUNS = 400;

  private PropertyRunner() {}

  /** Draws one case from a seeded source of randomness. */
  interface Gen<T> {
    T next(SplittableRandom random);
  }

  /** The simpler cases to try in place of a failing one, simplest first; none when minimal. */
  interface Shrinker<T> extends Function<T, List<T>> {}

  /**
   * Runs {@code body} on {@code tries} cases from {@code gen}. Returns the cases it ran, in order;
   * throws an {@link AssertionError} naming the shrunk failing case, caused by its failure.
   */
  static <T> List<T> forAll(String property, long seed, int tries, Gen<T> gen,
      Shrinker<T> shrinker, Consumer<T> body) {
    SplittableRandom random = new SplittableRandom(seed);
    List<T> ran = new ArrayList<>(tries);
    for (int i = 1; i <= tries; i++) {
      T value = gen.next(random);
      Throwable failure = failure(body, value);
      if (failure != null) {
        throw shrunk(property, seed, i, value, failure, shrinker, body);
      }
      ran.add(value);
    }
    return ran;
  }

  private static <T> AssertionError shrunk(String property, long seed, int attempt, T original,
      Throwable originalFailure, Shrinker<T> shrinker, Consumer<T> body) {
    T current = original;
    Throwable currentFailure = originalFailure;
    int runs = 0;
    int steps = 0;
    boolean progress = true;
    while (progress && runs < MAX_SHRINK_RUNS) {
      progress = false;
      for (T candidate : shrinker.apply(current)) {
        if (runs++ >= MAX_SHRINK_RUNS) {
          break;
        }
        Throwable f = failure(body, candidate);
        if (f != null) {
          current = candidate;
          currentFailure = f;
          steps++;
          progress = true;
          break;
        }
      }
    }
    AssertionError e = new AssertionError(property + " falsified at try " + attempt + " (seed "
        + seed + "), shrunk in " + steps + " steps (" + runs + " runs) to:\n  " + current
        + "\nfirst failing case:\n  " + original + "\nfailure: " + currentFailure,
        currentFailure);
    if (currentFailure != originalFailure) {
      e.addSuppressed(originalFailure);
    }
    return e;
  }

  private static <T> Throwable failure(Consumer<T> body, T value) {
    try {
      body.accept(value);
      return null;
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError) {
        throw (VirtualMachineError) t;
      }
      return t;
    }
  }

  // ---- generators and shrinkers the properties share ----

  /** An int in [min, max], uniform. */
  static int between(SplittableRandom r, int min, int max) {
    return min + r.nextInt(max - min + 1);
  }

  /** Any int, a quarter of the time a small one (|n| < 16), as edge-heavy generators do. */
  static int anyInt(SplittableRandom r) {
    return r.nextInt(4) == 0 ? r.nextInt(-15, 16) : r.nextInt();
  }

  /** One of {@code values}, uniform. */
  @SafeVarargs
  static <T> T oneOf(SplittableRandom r, T... values) {
    return values[r.nextInt(values.length)];
  }

  /** The values that come before {@code value} in {@code values}: what "simpler" means there. */
  static <T> List<T> earlier(List<T> values, T value) {
    int at = values.indexOf(value);
    return at <= 0 ? List.of() : List.copyOf(values.subList(0, at));
  }

  /** Ints nearer {@code target}: the target itself, then halfway, then one step closer. */
  static List<Integer> smaller(int value, int target) {
    List<Integer> out = new ArrayList<>(3);
    if (value == target) {
      return out;
    }
    long step = value > target ? 1 : -1;
    long half = target + ((long) value - target) / 2;
    long closer = value - step;
    out.add(target);
    if (half != target && half != value) {
      out.add((int) half);
    }
    if (closer != target && closer != half) {
      out.add((int) closer);
    }
    return out;
  }

  /**
   * Shorter lists (never below {@code minSize}): without each half, then each quarter, down to
   * without each single element; then each element replaced by what {@code element} offers.
   */
  static <E> List<List<E>> shrinkList(List<E> list, int minSize, Shrinker<E> element) {
    List<List<E>> out = new ArrayList<>();
    for (int chunk = list.size() / 2; chunk >= 1; chunk /= 2) {
      for (int from = 0; from + chunk <= list.size(); from += chunk) {
        if (list.size() - chunk < minSize) {
          continue;
        }
        List<E> shorter = new ArrayList<>(list.subList(0, from));
        shorter.addAll(list.subList(from + chunk, list.size()));
        out.add(shorter);
      }
    }
    for (int i = 0; i < list.size(); i++) {
      for (E simpler : element.apply(list.get(i))) {
        List<E> copy = new ArrayList<>(list);
        copy.set(i, simpler);
        out.add(copy);
      }
    }
    return out;
  }
}
