package io.lbkit.failover;

/** The budget that allows every extra attempt. */
final class UnlimitedBudget extends RetryBudget {
  static final UnlimitedBudget INSTANCE = new UnlimitedBudget();

  private UnlimitedBudget() {}

  @Override
  public void onRequest() {}

  @Override
  public void onSuccess() {}

  @Override
  public void onFailure() {}

  @Override
  public boolean tryAcquire() {
    return true;
  }

  @Override
  public String toString() {
    return "RetryBudget.unlimited";
  }
}
