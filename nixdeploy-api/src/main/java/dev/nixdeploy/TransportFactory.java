package dev.nixdeploy;

/**
 * How a {@link Deployer} reaches hosts: opens a {@link Transport} to a {@link Target}. The default,
 * {@code nixdeploy-core}'s, connects over SSH with the deployer's {@link SshSettings}; give another one to
 * {@link Deployer.Builder#transports(TransportFactory)} to deploy through a connection of your own, or to
 * unit-test code that deploys without SSH, against the in-memory Nix hosts of {@code nixdeploy-testing}:
 *
 * <pre>{@code
 * FakeNixHost web = FakeNixHost.builder("deploy@web-1").build();
 * FakeNixHost laptop = FakeNixHost.builder("local").build();
 * Deployer deployer = Deployer.builder()
 *     .transports(target -> web.connect())
 *     .localTransports(laptop)
 *     .signingKeyFile(tempDir.resolve("signing-key.sec"))
 *     .build();
 * }</pre>
 *
 * <p>A deployment opens one transport when it starts and closes it when it ends. An activation opens
 * more while it runs: a new connection proves that the host is still reachable after a switch, and
 * replaces one that dropped. So {@link #open} must give a new, independent transport on every call.
 * Called from the threads that run deployments, possibly several at once: implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface TransportFactory {
  /**
   * @param target the host, as the deployment names it
   * @return a new transport to that host; the deployment closes it
   * @throws ConnectionException (e.g. {@link HostKeyException}, {@link AuthenticationException}) if the
   *     host cannot be reached
   */
  Transport open(Target target);
}
