package io.lbkit.strategy;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round robin: candidate {@code seq mod n} for a sequence that every picker built from this one
 * inherits, so a rebuild (a pool or health change) continues the rotation rather than restarting
 * it at the first server.
 */
enum RoundRobinStrategy implements Strategy {
  INSTANCE;

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    AtomicInteger sequence = previous instanceof RoundRobinPicker
        ? ((RoundRobinPicker) previous).sequence
        : new AtomicInteger(candidates.random().nextInt(Integer.MAX_VALUE));
    return new RoundRobinPicker(candidates, sequence);
  }

  @Override
  public String toString() {
    return "roundRobin";
  }

  static final class RoundRobinPicker implements Picker {
    private final Candidates candidates;
    private final Server[] servers;
    private final AtomicInteger sequence;

    RoundRobinPicker(Candidates candidates, AtomicInteger sequence) {
      this.candidates = candidates;
      this.servers = candidates.servers().toArray(new Server[0]);
      this.sequence = sequence;
    }

    @Override
    public Server pick(Request request) {
      Server[] s = servers;
      int i = (sequence.getAndIncrement() & Integer.MAX_VALUE) % s.length;
      return Walk.fastPath(candidates, request) ? s[i] : Walk.from(candidates, i, request);
    }
  }
}
