package dev.nixdeploy.internal.fleet;

import dev.nixdeploy.Deployer;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Deploys closures to a fleet as root, unsigned, and prints {@code succeeded N bytes B maxHeap M}; run in a
 * JVM with a small heap ({@link dev.nixdeploy.internal.serve.SmallHeapJvm}). Arguments:
 * {@code SSH_CONFIG IDENTITY KNOWN_HOSTS ROOTS(comma-separated) TARGET...}.
 */
public final class FleetMain {
  private FleetMain() {}

  public static void main(String[] args) {
    SshSettings ssh = SshSettings.builder().sshConfigFile(Path.of(args[0])).identityFile(Path.of(args[1]))
        .knownHostsFile(Path.of(args[2])).useAgent(false).build();
    List<StorePath> roots = Arrays.stream(args[3].split(",")).map(StorePath::parse).toList();
    List<String> targets = Arrays.asList(args).subList(4, args.length);
    FleetResult r = Deployer.builder().ssh(ssh).noSign().build().fleetOf(targets).copy(roots).deploy();
    System.out.println(r.summary());
    System.out.println("succeeded " + r.count(dev.nixdeploy.FleetHostResult.State.SUCCEEDED) + " bytes "
        + r.bytesCopied() + " maxHeap " + Runtime.getRuntime().maxMemory());
  }
}
