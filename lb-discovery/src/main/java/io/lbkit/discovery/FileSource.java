package io.lbkit.discovery;

import io.lbkit.Server;
import io.lbkit.internal.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A source that reads a server-list file, and reads it again when it changes. One server per
 * line, {@code host:port} then optional {@code key=value} fields:
 *
 * <pre>
 * # inventory servers; blank lines and # comments are ignored
 * 10.0.0.1:8080
 * 10.0.0.2:8080 weight=3 zone=eu-1 priority=1 meta.role=replica
 * [2001:db8::7]:8080 id=inv-7
 * </pre>
 *
 * Keys: {@code weight}, {@code priority}, {@code zone}, {@code id} and {@code meta.NAME}; an
 * unknown key is an error, so a typo cannot pass silently. A file that cannot be read or parsed
 * (the first bad line is named), or that lists no server, leaves the pool as it was.
 *
 * <p>The file is read every {@link #DEFAULT_CHECK_INTERVAL} (or as given) on the binder's
 * executor and compared with the last read; only a changed file is parsed, and an unchanged one
 * only confirms the list. Why reading rather than {@code java.nio.file.WatchService}: a watch
 * service watches directories, not files, and the usual ways of updating a file do not touch the
 * name it watches: editors and config tools write a new file and rename it over the old one, and
 * a Kubernetes ConfigMap volume swaps a {@code ..data} symlink; on network and bind-mounted file
 * systems no events come at all, and on macOS the JDK's implementation polls anyway. A watch also
 * needs a thread blocked outside the injected scheduler, which tests could only meet by sleeping.
 * Reading a small file once a second costs little and works on every file system. Write the file
 * atomically (write a temporary file, then rename it), so that a read never sees half of it.
 */
public final class FileSource extends PolledSource {
  /** How often the file is read by default: every second. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);

  private final Path file;
  private final Object lock = new Object();
  private byte[] lastBytes; // guarded by lock
  private List<Server> lastList; // guarded by lock

  private FileSource(Path file, Duration checkInterval) {
    // A file is checked at the same pace whatever happened: a missing or broken file is fixed
    // by a person, and should be seen as soon as it is.
    super(Polling.builder().interval(checkInterval).backoff(checkInterval, checkInterval).build());
    this.file = file;
  }

  /**
   * A source that reads {@code file} at start and every second.
   *
   * @param file the server-list file
   * @return the source
   * @throws NullPointerException if {@code file} is null
   */
  public static FileSource of(Path file) {
    return of(file, DEFAULT_CHECK_INTERVAL);
  }

  /**
   * A source that reads {@code file} at start and every {@code checkInterval}.
   *
   * @param file the server-list file
   * @param checkInterval how often to read it, in (0, 365 days]
   * @return the source
   * @throws NullPointerException if either is null
   * @throws IllegalArgumentException if {@code checkInterval} is out of range
   */
  public static FileSource of(Path file, Duration checkInterval) {
    Checks.notNull(file, "file");
    return new FileSource(file, Checks.positive(checkInterval, "checkInterval"));
  }

  /** {@return the file this source reads} */
  public Path file() {
    return file;
  }

  @Override
  CompletableFuture<PollLoop.Answer> poll(Executor executor) {
    return CompletableFuture.supplyAsync(() -> {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e, e);
      }
      synchronized (lock) {
        if (!Arrays.equals(bytes, lastBytes)) {
          List<Server> parsed = ServerFileFormat.parse(
              new String(bytes, StandardCharsets.UTF_8), file.toString());
          lastBytes = bytes;
          lastList = parsed;
        }
        return new PollLoop.Answer(lastList, null);
      }
    }, executor);
  }

  @Override
  public String toString() {
    return "file " + file;
  }
}
