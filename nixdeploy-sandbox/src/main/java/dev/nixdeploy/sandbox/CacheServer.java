package dev.nixdeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A directory served over HTTP on 127.0.0.1 by nginx (Debian's package), as a Nix binary cache for
 * sandbox hosts: {@link #storeUrl()} is where {@code nix copy --to} writes, {@link #url()} where hosts
 * read, and {@link #requests()} the access log's request lines, to see what the hosts fetched. The
 * nginx master process is started in the foreground and stopped by its pid; it listens nowhere else.
 *
 * <pre>{@code
 * try (CacheServer cache = CacheServer.start(tempDir)) {
 *   deployer.fleet(hosts).viaCache(BinaryCache.at(cache.url()).uploadTo(cache.storeUrl()))...;
 *   assertThat(cache.requests()).anyMatch(line -> line.contains(".narinfo"));
 * }
 * }</pre>
 */
public final class CacheServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final int ATTEMPTS = 5;

  private final Process nginx;
  private final Path root;
  private final Path accessLog;
  private final int port;

  private CacheServer(Process nginx, Path root, Path accessLog, int port) {
    this.nginx = nginx;
    this.root = root;
    this.accessLog = accessLog;
    this.port = port;
  }

  /**
   * @param dir an empty directory for the cache, nginx's configuration and its logs
   * @return a running server
   * @throws IllegalStateException if nginx is missing or does not start
   */
  public static CacheServer start(Path dir) {
    if (!Prerequisites.onPath("nginx")) {
      throw new IllegalStateException("nginx is not installed: apt-get install -y nginx"
          + " (scripts/install-prerequisites installs it)");
    }
    try {
      Path root = Files.createDirectories(dir.resolve("cache"));
      Path logs = Files.createDirectories(dir.resolve("nginx"));
      IllegalStateException last = null;
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        int port = FreePorts.pick();
        Path conf = logs.resolve("nginx.conf");
        Files.writeString(conf, config(root, logs, port));
        Process p = new ProcessBuilder("nginx", "-p", logs.toString(), "-c", conf.toString())
            .redirectErrorStream(true).redirectOutput(logs.resolve("stdout").toFile()).start();
        if (awaitListening(p, port)) {
          return new CacheServer(p, root, logs.resolve("access.log"), port);
        }
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        last = new IllegalStateException("nginx did not start on 127.0.0.1:" + port + ": "
            + Files.readString(logs.resolve("stdout")).strip());
      }
      throw last;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start nginx in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting nginx", e);
    }
  }

  /** The worker runs as root: the cache directory belongs to the test's root user, mode 0700. */
  private static String config(Path root, Path logs, int port) {
    return """
        daemon off;
        master_process on;
        user root;
        worker_processes 1;
        pid %2$s/nginx.pid;
        error_log %2$s/error.log;
        events { worker_connections 256; }
        http {
          access_log %2$s/access.log;
          client_body_temp_path %2$s/body;
          proxy_temp_path %2$s/proxy;
          fastcgi_temp_path %2$s/fastcgi;
          uwsgi_temp_path %2$s/uwsgi;
          scgi_temp_path %2$s/scgi;
          types { text/x-nix-narinfo narinfo; }
          default_type application/octet-stream;
          server {
            listen 127.0.0.1:%3$d;
            root %1$s;
          }
        }
        """.formatted(root, logs, port);
  }

  private static boolean awaitListening(Process p, int port) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && p.isAlive()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  /** @return the URL hosts read the cache from, {@code http://127.0.0.1:PORT} */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** @return the Nix store URL of the served directory, {@code file:///…}, for {@code nix copy --to} */
  public String storeUrl() {
    return "file://" + root;
  }

  /** @return the served directory */
  public Path root() {
    return root;
  }

  /** @return the request lines of the access log so far, e.g. {@code GET /abc….narinfo HTTP/1.1} */
  public List<String> requests() {
    try {
      if (!Files.exists(accessLog)) {
        return List.of();
      }
      return Files.readAllLines(accessLog, StandardCharsets.UTF_8).stream()
          .map(line -> {
            int open = line.indexOf('"');
            int close = open < 0 ? -1 : line.indexOf('"', open + 1);
            return close < 0 ? line : line.substring(open + 1, close);
          })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + accessLog, e);
    }
  }

  /** @return the pid of the nginx master process */
  public long pid() {
    return nginx.pid();
  }

  /** Stops nginx by its master's pid (SIGTERM, then SIGKILL after 10 s) and waits for it. */
  @Override
  public void close() {
    nginx.destroy();
    try {
      if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
        nginx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "CacheServer{" + url() + " serving " + root + "}";
  }
}
