package dev.nixdeploy.internal.local;

import dev.nixdeploy.Command;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.RemoteProcess;
import dev.nixdeploy.Transport;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs commands on this machine as subprocesses, from their argument vector (no shell in between). Used
 * for the local Nix store, so that local and remote stores are driven the same way.
 *
 * <p>Like a shell, a program that cannot be found gives a process that exits with status 127 and says so
 * on its standard error, so callers handle a missing program the same way locally as over SSH. Closing
 * the transport ends every process it started that still runs.
 */
public final class LocalTransport implements Transport {
  static final int COMMAND_NOT_FOUND = 127;

  private final Set<LocalProcess> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** @return a transport for this machine */
  public static LocalTransport create() {
    return new LocalTransport();
  }

  private LocalTransport() {}

  /** @return {@code local} */
  @Override
  public String host() {
    return "local";
  }

  @Override
  public RemoteProcess start(Command command) {
    if (closed) {
      throw new IllegalStateException("This local transport is closed");
    }
    Process process;
    try {
      process = new ProcessBuilder(command.argv()).start();
    } catch (IOException e) {
      if (isNotFound(e)) {
        return LocalProcess.notFound(command);
      }
      throw new NixDeployException("Cannot run " + command + " locally: " + e.getMessage(), e);
    }
    LocalProcess p = new LocalProcess(process, running::remove);
    running.add(p);
    return p;
  }

  private static boolean isNotFound(IOException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("error=2,") || m.contains("No such file");
  }

  @Override
  public void close() {
    closed = true;
    for (LocalProcess p : Set.copyOf(running)) {
      p.close();
    }
  }

  @Override
  public String toString() {
    return "LocalTransport";
  }
}
