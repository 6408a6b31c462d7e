package dev.nixdeploy.internal.activation;

import dev.nixdeploy.DeployListener;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.ssh.SshTransports;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.util.List;
import java.util.UUID;

/** Shared helpers of the activation tests: connecting, copying systems, reading profiles. */
final class ActivationHosts {
  private ActivationHosts() {}

  static Transport connect(SandboxHost host, SshSettings ssh, String user) {
    return SshTransports.connect(Target.parse(host.destination(user)), ssh);
  }

  static Activator activator(Transport transport, SandboxHost host, SshSettings ssh, String user,
      DeployListener listener) {
    return Activator.create(transport, () -> connect(host, ssh, user), null, listener);
  }

  static void copyAsRoot(SandboxHost host, SshSettings ssh, StorePath... paths) {
    Deployer.builder().ssh(ssh).noSign().build().deployTo(host.destination(SandboxUsers.ROOT))
        .copy(List.of(paths)).deploy();
  }

  static String seed(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** @return what the profile points to, or "" if it does not exist */
  static String target(SandboxHost host, String profile) {
    var r = host.exec("readlink", "-f", profile);
    return r.succeeded() && host.exec("test", "-e", profile).succeeded() ? r.stdout().strip() : "";
  }

  static List<String> actionsOf(SandboxHost host, StorePath system) {
    return host.activations().stream().filter(a -> a.system().equals(system)).map(a -> a.action()).toList();
  }
}
