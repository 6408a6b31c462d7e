package dev.nixdeploy.testing;

import dev.nixdeploy.Command;
import dev.nixdeploy.ConnectionLostException;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One connection to a {@link FakeNixHost}, as a {@link Transport}: what a new SSH session would be. */
final class FakeConnection implements Transport {
  /** A running command's streams, cut when the connection drops. */
  interface Stream {
    void cut();
  }

  private final FakeNixHost host;
  private final List<Stream> streams = new ArrayList<>();
  private boolean closed;
  private boolean lost;

  /** @return what an SSH transport throws when its session drops, less the address the fake has none of */
  static ConnectionLostException lost(String host, String doing) {
    return new ConnectionLostException(host, "Lost the connection to " + host + " while " + doing + ". The host"
        + " may be down or rebooting, or the network dropped; check it, then run the deployment again.", null);
  }

  FakeConnection(FakeNixHost host) {
    this.host = host;
  }

  @Override
  public String host() {
    return host.name();
  }

  @Override
  public RemoteProcess start(Command command) {
    Objects.requireNonNull(command, "command");
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("This connection to " + host.name() + " is closed; started " + command);
      }
      if (lost) {
        throw lost(host.name(), "starting " + command);
      }
    }
    RemoteProcess process = host.start(this, command);
    synchronized (this) {
      if (process instanceof Stream s) {
        streams.add(s);
      }
      if (lost) {
        cutAll();
      }
    }
    return process;
  }

  /** The connection drops: every command still running loses its streams, new ones cannot start. */
  synchronized void drop() {
    lost = true;
    cutAll();
  }

  private void cutAll() {
    streams.forEach(Stream::cut);
    streams.clear();
  }

  synchronized boolean isOpen() {
    return !closed && !lost;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      cutAll();
    }
    host.closed(this);
  }

  @Override
  public String toString() {
    return "FakeConnection{" + host.name() + "}";
  }
}
