/** Test fixtures for code that uses lbkit: a manual ticker and a manual scheduler. */
module io.lbkit.testing {
  requires transitive io.lbkit.core;

  exports io.lbkit.testing;
}
