package io.lbkit.failover;

import io.lbkit.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Finagle's {@code RetryBudget}: a percentage of recent calls plus a floor per second.
 *
 * <pre>
 * In thousandths of a token, over a sliding window of ttl split into SLOTS slots:
 *   each call deposits          percent * 1000
 *   each extra attempt takes    1000, only if the balance allows it
 *   balance = minRetriesPerSecond * ttl_seconds * 1000 + (deposits - withdrawals) in the window
 * Deposits and withdrawals expire together after ttl, so over any window the extra attempts are
 * at most percent * calls + minRetriesPerSecond * ttl.
 * </pre>
 *
 * Lock-free: each slot is one atomic long holding its sum (high 32 bits, saturating) and the
 * epoch it counts (low 32 bits), so starting a slot afresh and adding to it are one
 * compare-and-set and no racing deposit or withdrawal is lost. Under concurrency the check and the
 * withdrawal are two steps, so racing callers may overdraw by at most one token each (as in
 * Finagle); single-threaded the accounting is exact.
 */
final class PercentageBudget extends RetryBudget {
  private static final int SLOTS = 10;
  private static final long SCALE = 1000;

  private final double percent;
  private final int minPerSecond;
  private final Duration ttl;
  private final Ticker ticker;
  private final long deposit;
  private final long reserve;
  private final long slotNanos;
  private final long origin; // slots count from here: a raw reading may wrap past Long.MAX_VALUE
  private final AtomicLongArray slots = new AtomicLongArray(SLOTS); // sum << 32 | epoch tag

  PercentageBudget(double percent, int minPerSecond, Duration ttl, Ticker ticker) {
    this.percent = percent;
    this.minPerSecond = minPerSecond;
    this.ttl = ttl;
    this.ticker = ticker;
    this.deposit = Math.round(percent * SCALE);
    this.reserve = minPerSecond * ttl.toSeconds() * SCALE;
    this.slotNanos = Math.max(1, ttl.toNanos() / SLOTS);
    this.origin = ticker.read();
  }

  @Override
  public void onRequest() {
    if (deposit != 0) {
      add(deposit, ticker.read());
    }
  }

  @Override
  void onRequest(Ticker clock, long nowNanos) {
    if (deposit != 0) {
      add(deposit, clock == ticker ? nowNanos : ticker.read());
    }
  }

  @Override
  public void onSuccess() {}

  @Override
  public void onFailure() {}

  @Override
  public boolean tryAcquire() {
    if (balance() < SCALE) {
      return false;
    }
    add(-SCALE, ticker.read());
    return true;
  }

  /** The balance now, in whole extra attempts. */
  double balanceTokens() {
    return balance() / (double) SCALE;
  }

  private long balance() {
    long epoch = epoch(ticker.read());
    long sum = reserve;
    for (int i = 0; i < SLOTS; i++) {
      long inWindow = epoch - Math.floorMod(epoch - i, SLOTS); // the window's epoch for slot i
      long v = slots.get(i);
      if (tag(v) == (int) inWindow) {
        sum += v >> 32;
      }
    }
    return sum;
  }

  private void add(long delta, long nowNanos) {
    long epoch = epoch(nowNanos);
    int i = Math.floorMod(epoch, SLOTS);
    int tag = (int) epoch;
    while (true) {
      long v = slots.get(i);
      int seen = tag(v);
      // An older epoch's sum has expired: start afresh. A reading older than the slot's epoch
      // (a late caller) adds to the newer sum rather than erase it.
      long sum = seen == tag || seen - tag > 0 ? v >> 32 : 0;
      long next = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum + delta));
      int keep = seen - tag > 0 ? seen : tag;
      if (slots.compareAndSet(i, v, next << 32 | (keep & 0xFFFF_FFFFL))) {
        return;
      }
    }
  }

  private static int tag(long slot) {
    return (int) slot;
  }

  private long epoch(long nowNanos) {
    return Math.floorDiv(nowNanos - origin, slotNanos);
  }

  @Override
  public String toString() {
    return "RetryBudget.percentage(" + percent + ", " + minPerSecond + "/s, " + ttl + ")";
  }
}
