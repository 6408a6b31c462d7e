package dev.nixdeploy.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on the loopback address that delays every byte by a fixed time in each direction: a delay
 * line, not a per-chunk sleep. Each direction has a reader that stamps each chunk with the time it
 * arrived and a writer that sends it once the delay has passed since then, so chunks in flight overlap,
 * order is kept, and throughput is that of the link (up to {@value #QUEUED_CHUNKS} chunks in flight per
 * direction). With 20 ms each way, a request and its answer take 40 ms more, as on a long link.
 *
 * <pre>{@code
 * try (DelayProxy proxy = DelayProxy.start(sshPort, Duration.ofMillis(20))) {
 *   // connect to 127.0.0.1:proxy.port() instead of sshPort
 * }
 * }</pre>
 */
final class DelayProxy implements AutoCloseable {
  private static final int CHUNK = 64 * 1024;
  private static final int QUEUED_CHUNKS = 4096;
  private static final Chunk END = new Chunk(0, new byte[0], 0);

  private final ServerSocket server;
  private final int targetPort;
  private final long delayNanos;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private DelayProxy(ServerSocket server, int targetPort, Duration delay) {
    this.server = server;
    this.targetPort = targetPort;
    this.delayNanos = delay.toNanos();
  }

  /**
   * Listens on a free port of 127.0.0.1 and forwards every connection to 127.0.0.1:targetPort.
   *
   * @param targetPort where to forward
   * @param delay added to every byte in each direction
   * @return the running proxy
   */
  static DelayProxy start(int targetPort, Duration delay) {
    try {
      ServerSocket server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      DelayProxy proxy = new DelayProxy(server, targetPort, delay);
      Thread acceptor = new Thread(proxy::accept, "delay-proxy-accept");
      acceptor.setDaemon(true);
      acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the port the proxy listens on, on 127.0.0.1 */
  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        AtomicInteger open = new AtomicInteger(2);
        pipe(client, upstream, "up", open);
        pipe(upstream, client, "down", open);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pipe(Socket from, Socket to, String direction, AtomicInteger open) throws IOException {
    BlockingQueue<Chunk> line = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    Thread reader = new Thread(() -> read(in, line, from, to), "delay-proxy-read-" + direction);
    Thread writer = new Thread(() -> write(line, out, from, to, open), "delay-proxy-write-" + direction);
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private void read(InputStream in, BlockingQueue<Chunk> line, Socket from, Socket to) {
    try {
      byte[] buffer = new byte[CHUNK];
      int n;
      while ((n = in.read(buffer)) > 0) {
        line.put(new Chunk(System.nanoTime() + delayNanos, buffer.clone(), n));
      }
      line.put(END);
    } catch (IOException e) {
      abort(from, to);
      line.offer(END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(from, to);
    }
  }

  private void write(BlockingQueue<Chunk> line, OutputStream out, Socket from, Socket to,
      AtomicInteger open) {
    try {
      while (true) {
        Chunk chunk = line.take();
        if (chunk == END) {
          if (open.decrementAndGet() == 0) {
            abort(from, to);
          } else if (!to.isClosed()) {
            to.shutdownOutput(); // the end of the stream arrives delayed, like its bytes
          }
          return;
        }
        long wait;
        while ((wait = chunk.due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        out.write(chunk.bytes, 0, chunk.length);
      }
    } catch (IOException e) {
      abort(from, to);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(from, to);
    }
  }

  private void abort(Socket a, Socket b) {
    closeQuietly(a);
    closeQuietly(b);
  }

  private void closeQuietly(Socket socket) {
    sockets.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }

  /** Stops listening and cuts every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    Set.copyOf(sockets).forEach(this::closeQuietly);
  }

  private record Chunk(long due, byte[] bytes, int length) {}
}
