package io.lbkit.health;

import io.lbkit.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that reads an lbkit {@link Ticker}, so that a resilience4j breaker's OPEN wait
 * runs on the monitor's time (a fake ticker in tests, virtual time in the simulator). The instant
 * is the time since the clock was made, counted from the epoch: only differences mean anything,
 * which is all the breaker uses.
 */
final class TickerClock extends Clock {
  private final Ticker ticker;
  // Readings are taken relative to this one: a raw reading may wrap past Long.MAX_VALUE (as
  // nanoTime's may), and an instant made from it would jump back 584 years, so an OPEN wait
  // spanning the wrap would never end.
  private final long origin;

  TickerClock(Ticker ticker) {
    this.ticker = ticker;
    this.origin = ticker.read();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return Math.floorDiv(ticker.read() - origin, 1_000_000L);
  }

  @Override
  public Instant instant() {
    long n = ticker.read() - origin;
    return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
  }
}
