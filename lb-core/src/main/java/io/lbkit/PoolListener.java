package io.lbkit;

/**
 * Told about every change of a {@link ServerPool}, synchronously, on the thread that made the
 * change and in the order of the versions. An exception thrown here is logged and ignored; it
 * cannot undo the change or stop other listeners.
 */
@FunctionalInterface
public interface PoolListener {
  /**
   * The pool moved from {@code previous} to {@code current}.
   *
   * @param previous the membership before the change
   * @param current the membership now published; its version is one more than {@code previous}'s
   */
  void onPoolChange(PoolSnapshot previous, PoolSnapshot current);
}
