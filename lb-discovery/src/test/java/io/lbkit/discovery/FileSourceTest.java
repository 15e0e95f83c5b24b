package io.lbkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server-list file: its format, and how changes and breakage reach the pool. */
class FileSourceTest {
  private static final Server A = Server.of("10.0.0.1", 8080);
  private static final Server B = Server.of("10.0.0.2", 8080);

  @TempDir
  Path dir;

  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final ServerPool pool = ServerPool.empty();
  private final Recorder recorder = new Recorder();

  private Discovery start(FileSource source) {
    return Discovery.builder(source, pool).ticker(ticker).scheduler(scheduler)
        .executor(Runnable::run).random(RandomSource.seeded(1)).listener(recorder).start();
  }

  /** Writes the way the class comment asks: a temporary file renamed over the old one. */
  private Path write(String name, String text) throws IOException {
    Path target = dir.resolve(name);
    Path tmp = Files.writeString(dir.resolve(name + ".tmp"), text);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  @Test
  void everyFieldOfTheFormatIsRead() throws IOException {
    Path file = write("servers.txt", String.join("\n",
        "# inventory",
        "10.0.0.1:8080",
        "",
        "  10.0.0.2:8080   weight=3 zone=eu-1 priority=1 meta.role=replica  # the replica",
        "[2001:db8::7]:8080 id=inv-7",
        "inv-8.example.com:9090 weight=0"));
    try (Discovery d = start(FileSource.of(file))) {
      assertThat(pool.servers()).containsExactly(
          A,
          Server.builder("10.0.0.2", 8080).weight(3).zone("eu-1").priority(1)
              .metadata("role", "replica").build(),
          Server.builder("[2001:db8::7]", 8080).id("inv-7").build(),
          Server.builder("inv-8.example.com", 9090).weight(0).build());
    }
  }

  @Test
  void aChangedFileReachesThePoolAtTheNextCheck() throws IOException {
    Path file = write("servers.txt", "10.0.0.1:8080\n");
    FileSource source = FileSource.of(file);
    try (Discovery d = start(source)) {
      assertThat(pool.servers()).containsExactly(A);
      write("servers.txt", "10.0.0.1:8080\n10.0.0.2:8080\n");

      scheduler.advance(FileSource.DEFAULT_CHECK_INTERVAL.minusNanos(1));
      assertThat(pool.servers()).containsExactly(A);
      scheduler.advance(Duration.ofNanos(1));
      assertThat(pool.servers()).containsExactly(A, B);

      scheduler.advance(Duration.ofSeconds(10)); // unchanged: read, not parsed, dropped
      assertThat(d.status().version()).isEqualTo(2);
      assertThat(source.loop().lookups()).isEqualTo(12);
    }
  }

  @Test
  void aBadLineLeavesThePoolAsItWasAndIsNamed() throws IOException {
    Path file = write("servers.txt", "10.0.0.1:8080\n");
    try (Discovery d = start(FileSource.of(file))) {
      write("servers.txt", "10.0.0.1:8080\n10.0.0.2:99999\n");
      scheduler.advance(Duration.ofSeconds(1));
      write("servers.txt", "10.0.0.1:8080 wieght=3\n");
      scheduler.advance(Duration.ofSeconds(1));
      write("servers.txt", "10.0.0.1\n");
      scheduler.advance(Duration.ofSeconds(1));
      write("servers.txt", "2001:db8::7:8080\n");
      scheduler.advance(Duration.ofSeconds(1));
      write("servers.txt", "10.0.0.1:http\n");
      scheduler.advance(Duration.ofSeconds(1));

      assertThat(pool.servers()).containsExactly(A);
      assertThat(recorder.failures).extracting(Throwable::getMessage).containsExactly(
          file + " line 2: port: 99999 (expected: 1..65535)",
          file + " line 1: key: \"wieght\" (expected: weight, priority, zone, id or meta.NAME)",
          file + " line 1: address: \"10.0.0.1\" (expected: host:port, with an IPv6 host in "
              + "brackets ([::1]:8080))",
          file + " line 1: address: \"2001:db8::7:8080\" (expected: host:port, with an IPv6 "
              + "host in brackets ([::1]:8080))",
          file + " line 1: port: \"http\" (expected: a number)");
    }
  }

  @Test
  void aMissingOrEmptyFileLeavesThePoolAsItWas() throws IOException {
    Path file = write("servers.txt", "10.0.0.1:8080\n");
    try (Discovery d = start(FileSource.of(file))) {
      Files.delete(file);
      scheduler.advance(Duration.ofSeconds(1));
      write("servers.txt", "# nothing here\n");
      scheduler.advance(Duration.ofSeconds(1));

      assertThat(pool.servers()).containsExactly(A);
      assertThat(recorder.failures.get(0)).hasMessageStartingWith("cannot read " + file
          + ": java.nio.file.NoSuchFileException");
      assertThat(recorder.failures.get(1)).hasMessageStartingWith("servers: []");

      write("servers.txt", "10.0.0.2:8080\n"); // fixed: seen at the next check, no backoff
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(pool.servers()).containsExactly(A.toBuilder().weight(0).build(), B);
    }
  }

  @Test
  void theCheckIntervalIsSettableAndChecked() throws IOException {
    Path file = write("servers.txt", "10.0.0.1:8080\n");
    FileSource source = FileSource.of(file, Duration.ofSeconds(5));
    try (Discovery d = start(source)) {
      write("servers.txt", "10.0.0.2:8080\n");
      scheduler.advance(Duration.ofSeconds(4));
      assertThat(pool.servers()).containsExactly(A);
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(pool.servers()).containsExactly(A.toBuilder().weight(0).build(), B);
      assertThat(source.file()).isEqualTo(file);
      assertThat(source).hasToString("file " + file);
    }
    assertThatThrownBy(() -> FileSource.of(file, Duration.ZERO))
        .hasMessage("checkInterval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> FileSource.of(null)).hasMessage("file: null (expected: non-null)");
  }

  @Test
  void refreshReadsTheFileAtOnce() throws IOException {
    Path file = write("servers.txt", "10.0.0.1:8080\n");
    try (Discovery d = start(FileSource.of(file, Duration.ofMinutes(5)))) {
      write("servers.txt", "10.0.0.1:8080\n10.0.0.2:8080\n");
      d.refresh();
      scheduler.runDue();
      assertThat(pool.servers()).containsExactly(A, B);
    }
  }
}
