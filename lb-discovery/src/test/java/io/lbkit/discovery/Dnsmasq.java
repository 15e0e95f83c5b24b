package io.lbkit.discovery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for the tests: dnsmasq from Debian's packages, on 127.0.0.1 and a free high
 * port, reading only the configuration the test writes. The DNS tests never skip: without
 * dnsmasq they fail, saying how to install it ({@code .ci/run} does).
 *
 * <p>Records come from the test's own hosts file (A/AAAA; {@link #reload()} sends SIGHUP, which
 * re-reads it) and from configuration lines (SRV; {@link #restart} starts a new dnsmasq on the
 * same port with new lines). Waiting is on dnsmasq's own log lines, read as they come; the bounds
 * only keep a broken machine from hanging the build.
 */
final class Dnsmasq implements AutoCloseable {
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final Path dir;
  private final Path hosts;
  private final int port;
  private Process process;
  private BlockingQueue<String> lines;

  private Dnsmasq(Path dir, int port) {
    this.dir = dir;
    this.hosts = dir.resolve("hosts");
    this.port = port;
  }

  /**
   * Starts dnsmasq with {@code hostsFile} as its hosts file and {@code config} as its
   * configuration lines (dnsmasq's long options without the leading dashes).
   */
  static Dnsmasq start(Path dir, String hostsFile, List<String> config) {
    binary();
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      Dnsmasq d = new Dnsmasq(dir, freePort());
      d.writeHosts(hostsFile);
      try {
        d.launch(config);
        return d;
      } catch (IOException e) {
        last = e; // the port was taken between our probe and dnsmasq's bind: try another
        d.close();
      }
    }
    throw new UncheckedIOException("dnsmasq did not start", last);
  }

  /** {@return where dnsmasq answers} */
  InetSocketAddress address() {
    return new InetSocketAddress(LOOPBACK, port);
  }

  int port() {
    return port;
  }

  /** Replaces the hosts file and makes dnsmasq read it (SIGHUP), waiting until it has. */
  void reload(String hostsFile) {
    writeHosts(hostsFile);
    lines.clear();
    try {
      int status = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid()))
          .inheritIO().start().waitFor();
      if (status != 0) {
        throw new AssertionError("kill -HUP dnsmasq exited " + status);
      }
      awaitLine("read " + hosts);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Stops dnsmasq and starts it again on the same port with these configuration lines. */
  void restart(String hostsFile, List<String> config) {
    stop();
    writeHosts(hostsFile);
    try {
      launch(config);
    } catch (IOException e) {
      throw new UncheckedIOException("dnsmasq did not restart on port " + port, e);
    }
  }

  /** Stops dnsmasq; its port then answers nothing. */
  void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  private void launch(List<String> config) throws IOException {
    Path conf = dir.resolve("dnsmasq-" + port + ".conf");
    List<String> all = new ArrayList<>(config);
    all.add("addn-hosts=" + hosts);
    Files.write(conf, all, StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>(List.of(binary().toString(),
        "--no-daemon", "--no-resolv", "--no-hosts", "--conf-file=" + conf,
        "--listen-address=127.0.0.1", "--bind-interfaces", "--port=" + port,
        "--log-facility=-", "--pid-file="));
    if ("root".equals(System.getProperty("user.name"))) {
      command.add("--user=root"); // keep root, so a SIGHUP can still read the test's files
      command.add("--group=root");
    }
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    lines = q;
    Process p = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          q.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
      q.add("<exited>");
    }, "dnsmasq-" + port + "-log");
    reader.setDaemon(true);
    reader.start();
    String line = awaitLine("read " + hosts, "failed", "<exited>", "illegal", "bad ");
    if (!line.contains("read " + hosts)) {
      stop();
      throw new IOException("dnsmasq on port " + port + " said: " + line);
    }
  }

  /** Waits for a log line containing any of {@code texts}; returns it. */
  private String awaitLine(String... texts) {
    try {
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (true) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("dnsmasq on port " + port + " did not log any of "
              + List.of(texts) + " within " + BOUND);
        }
        for (String t : texts) {
          if (line.contains(t)) {
            return line;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void writeHosts(String text) {
    try {
      Files.writeString(hosts, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return the dnsmasq executable}, or an error that says how to get one. */
  static Path binary() {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "")
        .split(java.io.File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
    for (String d : dirs) {
      if (!d.isEmpty()) {
        Path candidate = Path.of(d, "dnsmasq");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new AssertionError("dnsmasq is not installed, and the DNS tests need a real DNS server "
        + "(they never skip). `bash .ci/run` installs it; by hand: apt-get install -y dnsmasq");
  }

  /** A port free for both UDP and TCP on 127.0.0.1 just now (dnsmasq binds both). */
  private static int freePort() {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket(port, 1, LOOPBACK)) {
          return port;
        } catch (IOException taken) {
          // TCP side in use: another port
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new AssertionError("no port free for both UDP and TCP on 127.0.0.1");
  }
}
