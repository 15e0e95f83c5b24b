package io.lbkit.failover;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one WARN line per interval for a message that repeats per call (a fail-safe fallback
 * in an outage would otherwise write one line per failed call). The first occurrence is
 * written at once; later ones in the same interval are counted, and the next line written
 * carries that count. Lock-free; times are ticker readings compared by difference, so the
 * ticker may wrap.
 */
final class WarnLimiter {
  static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final long intervalNanos;
  private final AtomicLong suppressed = new AtomicLong();
  private final AtomicLong lastWritten = new AtomicLong();
  private volatile boolean written; // false until the first line, so any ticker start works

  WarnLimiter(long intervalNanos) {
    this.intervalNanos = intervalNanos;
  }

  /**
   * Whether to write a line now. Returns -1 to stay quiet (the occurrence is counted), otherwise
   * the number of occurrences left unwritten since the last line.
   */
  long tryWrite(long now) {
    long last = lastWritten.get();
    if (written && now - last < intervalNanos) {
      suppressed.incrementAndGet();
      return -1;
    }
    if (!lastWritten.compareAndSet(last, now)) {
      suppressed.incrementAndGet(); // another thread writes this interval's line
      return -1;
    }
    written = true;
    return suppressed.getAndSet(0);
  }
}
