package io.lbkit.discovery;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What lbkit logs while it is open: slf4j-simple (the test binding) writes to whatever
 * System.err is at the time of each line, so swapping it captures the lines exactly.
 */
final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  LogCapture() {
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
  }

  /** {@return the lines logged by {@code io.lbkit.discovery} at {@code level} so far} */
  List<String> lines(String level) {
    List<String> out = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.contains(" " + level + " io.lbkit.discovery.")) {
        out.add(line);
      }
    }
    return out;
  }

  @Override
  public void close() {
    System.setErr(original);
    original.print(bytes.toString(StandardCharsets.UTF_8));
  }
}
