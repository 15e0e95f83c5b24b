package io.lbkit.health;

import io.lbkit.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that reads an lbkit {@link Ticker}, so that a resilience4j breaker's OPEN wait
 * runs on the monitor's time (a fake ticker in tests, virtual time in the simulator). The instant
 * is the ticker's reading taken as nanoseconds since the epoch: only differences mean anything,
 * which is all the breaker uses.
 */
final class TickerClock extends Clock {
  private final Ticker ticker;

  TickerClock(Ticker ticker) {
    this.ticker = ticker;
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
    return Math.floorDiv(ticker.read(), 1_000_000L);
  }

  @Override
  public Instant instant() {
    long n = ticker.read();
    return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
  }
}
