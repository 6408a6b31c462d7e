package dev.nixdeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports of 127.0.0.1. A port is free when picked; another process may still take it before it
 * is used, so users retry with another port when binding fails.
 */
final class FreePorts {
  // Ports handed out by this JVM, never handed out twice.
  private static final InetAddress LOOPBACK = loopback();
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a literal address is always known", e);
    }
  }

  /** @return a port of 127.0.0.1 that was free a moment ago and that this JVM has not handed out before */
  static int pick() {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
        int port = socket.getLocalPort();
        if (GIVEN.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
      }
    }
  }
}
