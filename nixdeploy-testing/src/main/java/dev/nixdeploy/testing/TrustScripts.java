package dev.nixdeploy.testing;

import dev.nixdeploy.testing.FakeProcess.Result;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/** The key exchange's root scripts on a {@link FakeNixHost}: the nix.conf edit and the key generation. */
final class TrustScripts {
  /** The file changed between the caller's reading and the lock, as the real script tells it. */
  private static final int CHANGED = 75;

  private TrustScripts() {}

  /** Arguments: nix.conf, the line, yes|no (seen; its bytes on stdin), then the restart command. */
  static Result appendLine(FakeNixHost host, List<String> args, byte[] seenBytes, boolean root) {
    if (!root) {
      return Result.fail(1, "mkdir: cannot create directory '/etc/nix/.nix-deploy.lock': Permission denied\n");
    }
    String conf = args.get(0);
    String line = args.get(1);
    boolean seen = args.get(2).equals("yes");
    List<String> restart = args.subList(3, args.size());
    byte[] current = host.file(conf);
    if (seen ? current == null || !Arrays.equals(current, seenBytes) : current != null) {
      return Result.fail(CHANGED, "");
    }
    ByteArrayOutputStream next = new ByteArrayOutputStream();
    if (current != null) {
      next.writeBytes(current);
      if (current.length > 0 && current[current.length - 1] != '\n') {
        next.write('\n');
      }
    }
    next.writeBytes(Nar.utf8(line + "\n"));
    host.writeFile(conf, next.toByteArray());
    if (!restart.isEmpty()) {
      host.restartDaemon();
    }
    return Result.ok("");
  }

  /** Arguments: nix-store, the secret key file, the public key file, the key name. */
  static Result generateKey(FakeNixHost host, List<String> args, boolean root) {
    if (!root) {
      return Result.fail(1, "mkdir: cannot create directory '/etc/nix': Permission denied\n");
    }
    if (!args.get(1).equals(FakeNixHost.SECRET_KEY) || !args.get(2).equals(FakeNixHost.PUBLIC_KEY)) {
      throw new AssertionError("The fake host keeps its key pair in " + FakeNixHost.SECRET_KEY + ", not " + args);
    }
    return Result.ok(host.generateKey(args.get(3)) ? "generated\n" : "");
  }
}
