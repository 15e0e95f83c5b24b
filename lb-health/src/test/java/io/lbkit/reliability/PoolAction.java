package io.lbkit.reliability;

/** One step of a generated action sequence over a pool, its health and a selector. */
sealed interface PoolAction {

  /** Replace the membership with {@code spec}'s servers. */
  record Update(PoolSpec spec) implements PoolAction {}

  /** Replace it with content holding a duplicate id: must be rejected, nothing changed. */
  record UpdateWithDuplicate(PoolSpec spec, int at) implements PoolAction {}

  /** {@code times} calls to member {@code index} (mod size) fail: ejects, opens breakers. */
  record Fail(int index, int times) implements PoolAction {}

  /** {@code times} calls to member {@code index} (mod size) succeed. */
  record Succeed(int index, int times) implements PoolAction {}

  /** Time passes ({@code seconds}) and the monitor ticks: ejections end, breakers half-open. */
  record Advance(int seconds) implements PoolAction {}

  /**
   * {@code count} choices, each excluding the members a generator seeded with {@code seed}
   * picks (up to {@code maxExcluded}), with a key when {@code keyed}.
   */
  record Choose(int count, long seed, int maxExcluded, boolean keyed) implements PoolAction {}
}
