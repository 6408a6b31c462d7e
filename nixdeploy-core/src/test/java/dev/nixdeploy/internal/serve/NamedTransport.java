package dev.nixdeploy.internal.serve;

import dev.nixdeploy.Command;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.Transport;

/** A transport under another host name, so messages read as they would for a remote user. */
final class NamedTransport implements Transport {
  private final Transport delegate;
  private final String host;

  NamedTransport(Transport delegate, String host) {
    this.delegate = delegate;
    this.host = host;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public RemoteProcess start(Command command) {
    return delegate.start(command);
  }

  @Override
  public void close() {
    // The delegate belongs to the caller.
  }
}
