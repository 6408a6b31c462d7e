package dev.nixdeploy.examples;

import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.ExecResult;
import dev.nixdeploy.sandbox.FakeSystem;
import dev.nixdeploy.sandbox.SampleClosures;
import dev.nixdeploy.sandbox.SandboxHost;
import dev.nixdeploy.sandbox.SandboxHosts;
import dev.nixdeploy.sandbox.SandboxUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The main job of {@code scripts/demo}: deploys to a throwaway Nix host on this machine, as a person
 * would with the command line, and shows the problem nix-deploy solves next to its solution.
 *
 * <ol>
 *   <li>starts a sandbox host: its own {@code /nix}, nix-daemon and sshd on 127.0.0.1, with an untrusted
 *       {@code deploy} user and an {@code admin} user who has sudo but is not in {@code trusted-users};
 *   <li>shows {@code nix-copy-closure} failing for {@code deploy} ("lacks a valid signature");
 *   <li>runs {@code nix-deploy path --to admin@HOST}: keys are generated, the host trusts the local key,
 *       and the closure is copied, signed;
 *   <li>runs {@code nix-deploy path --to deploy@HOST} for another closure: no sudo needed any more;
 *   <li>switches the host to a (stand-in) NixOS system with {@code nix-deploy system --switch};
 *   <li>shows the signatures on the host, then stops it, leaving nothing behind.
 * </ol>
 *
 * Needs root and the prerequisites of the integration tests ({@code scripts/install-prerequisites}).
 */
public final class SandboxDemo {
  private SandboxDemo() {}

  /** Runs the demo; exits with 1 if any step does not behave as shown. */
  public static void main(String[] args) throws IOException {
    Path work = Files.createTempDirectory("nix-deploy-demo");
    Path signingKey = work.resolve("signing-key.sec");
    String seed = "demo-" + Long.toString(System.currentTimeMillis(), 36);
    boolean ok;
    try (SandboxHosts hosts = SandboxHosts.start(1)) {
      SandboxHost host = hosts.host(0);
      say("Started a throwaway Nix host '%s': its own /nix, nix-daemon, and sshd on %s:%d.", host.alias(),
          host.address(), host.sshPort());
      StorePath first = SampleClosures.chain(seed + "-a").app();
      StorePath second = SampleClosures.chain(seed + "-b").app();
      say("Built two sample closures locally:%n  %s%n  %s", first, second);

      say("%nThe problem: user 'deploy' is not in the host's trusted-users, so plain nix-copy-closure fails:");
      ExecResult refused = dev.nixdeploy.sandbox.LocalCommand.of("nix-copy-closure", "--to",
          SandboxUsers.DEPLOY + "@" + host.alias(), first.path())
          .withEnv("NIX_SSHOPTS", hosts.sshOptions()).run();
      System.out.println(indent(lineWith(refused.stderr(), "lacks a valid signature")));
      boolean problemShown = !refused.succeeded()
          && refused.stderr().contains("lacks a valid signature");

      List<String> connection = List.of("--ssh-config", hosts.sshConfig().toString(),
          "-i", hosts.identityFile().toString(), "--known-hosts", hosts.knownHostsFile().toString(),
          "--signing-key", signingKey.toString());
      say("%nThe solution, once by an admin (sudo, but not a trusted user either):");
      int byAdmin = nixDeploy(connection, "path", "--to", SandboxUsers.ADMIN + "@" + host.alias(),
          "--path", first.path());
      say("%nFrom now on the deploy user needs no sudo at all:");
      int byDeploy = nixDeploy(connection, "path", "--to", SandboxUsers.DEPLOY + "@" + host.alias(),
          "--path", second.path());

      StorePath system = SampleClosures.fakeSystem(seed + "-system", FakeSystem.WORKING);
      say("%nAnd a NixOS system (a stand-in whose switch-to-configuration only records the call), switched"
          + " with a confirmation watchdog that would roll back if nix-deploy lost access:");
      int switched = nixDeploy(connection, "system", "--to", SandboxUsers.ADMIN + "@" + host.alias(),
          "--switch", "--path", system.path());

      ExecResult sigs = host.exec("nix", "--extra-experimental-features", "nix-command", "path-info",
          "--sigs", second.path());
      say("%nOn the host, the path the deploy user sent carries our signature:%n%s", indent(sigs.stdout()));
      ok = problemShown && byAdmin == 0 && byDeploy == 0 && switched == 0 && host.isValid(first)
          && host.isValid(second);
    } finally {
      deleteTree(work);
    }
    say(ok ? "%nDemo finished: the host is stopped and removed." : "%nDemo FAILED: see the output above.");
    System.exit(ok ? 0 : 1);
  }

  /** Runs the installed {@code nix-deploy} (scripts/install; {@code NIX_DEPLOY} names another), as a user would. */
  private static int nixDeploy(List<String> connection, String... args) {
    List<String> all = new ArrayList<>(List.of(System.getenv().getOrDefault("NIX_DEPLOY", "nix-deploy")));
    all.addAll(List.of(args));
    all.addAll(connection);
    say("$ nix-deploy %s", String.join(" ", args));
    try {
      return new ProcessBuilder(all).inheritIO().start().waitFor();
    } catch (IOException e) {
      say("Cannot run %s (%s): install it with scripts/install", all.get(0), e.getMessage());
      return 127;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  private static String lineWith(String text, String wanted) {
    return text.lines().filter(l -> l.contains(wanted)).findFirst().orElse(text.strip());
  }

  private static String indent(String text) {
    return text.strip().replaceAll("(?m)^", "  ");
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(format, args));
    System.out.flush();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
