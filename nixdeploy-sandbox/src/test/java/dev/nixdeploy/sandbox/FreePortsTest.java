package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void handsOutDistinctBindablePorts() throws IOException {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      ports.add(FreePorts.pick());
    }
    assertThat(ports).hasSize(20);
    int port = ports.iterator().next();
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }
}
