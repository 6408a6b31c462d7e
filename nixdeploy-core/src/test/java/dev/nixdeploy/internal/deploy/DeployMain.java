package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.DeployListener;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.Deployment;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A deployer in a process of its own, for tests that kill it with {@code kill -9}. Prints
 * {@code copied N} after each path the host confirmed and {@code activation LINE} for each line of
 * activation output, flushed at once, so that the test can kill it at a known point.
 *
 * <p>Arguments: {@code DESTINATION SSH_CONFIG IDENTITY SIGNING_KEY ROOT PROFILE [switch CONFIRM_SECONDS]}:
 * exchanges keys, copies ROOT's closure signed and sets the profile PROFILE (a name under the system profiles
 * directory), or, with {@code switch}, switches to ROOT as the system named PROFILE.
 */
public final class DeployMain {
  private DeployMain() {}

  public static void main(String[] args) {
    SshSettings ssh = SshSettings.builder().sshConfigFile(Path.of(args[1])).identityFile(Path.of(args[2]))
        .useAgent(false).build();
    DeployListener printer = new DeployListener() {
      private int copied;

      @Override
      public void pathCopied(String host, PathInfo path) {
        System.out.println("copied " + ++copied);
        System.out.flush();
      }

      @Override
      public void activationOutput(String host, String line) {
        System.out.println("activation " + line);
        System.out.flush();
      }
    };
    Deployment plan = Deployer.builder().ssh(ssh).signingKeyFile(Path.of(args[3])).listener(printer).build()
        .deployTo(args[0]).ensureKeys().copy(StorePath.parse(args[4]));
    if (args.length > 6 && args[6].equals("switch")) {
      plan.activate(ActivationOptions.builder().mode(ActivationMode.SWITCH).systemName(args[5])
          .confirmTimeout(Duration.ofSeconds(Long.parseLong(args[7]))).build());
    } else {
      plan.profile(args[5], ActivationOptions.SYSTEM_PROFILES_DIR, dev.nixdeploy.RunAs.ROOT).deploy();
    }
    System.out.println("done");
  }
}
