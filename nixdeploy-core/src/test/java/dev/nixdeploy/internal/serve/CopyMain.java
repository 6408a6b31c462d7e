package dev.nixdeploy.internal.serve;

import dev.nixdeploy.Command;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.SshSettings;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.local.LocalTransport;
import dev.nixdeploy.internal.ssh.SshTransports;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Copies closures from the local store, signed, and prints {@code sent PATHS BYTES maxHeap N}; run in a
 * JVM with a small heap ({@link SmallHeapJvm}). Arguments: {@code store DIR ROOT...} for a chroot store,
 * or {@code ssh USER@HOST SSH_CONFIG IDENTITY ROOT...} for a host over ssh.
 */
public final class CopyMain {
  private CopyMain() {}

  public static void main(String[] args) {
    int first = args[0].equals("ssh") ? 4 : 2;
    List<StorePath> roots = Arrays.stream(args, first, args.length).map(StorePath::parse).toList();
    try (LocalTransport local = LocalTransport.create();
        Transport remote = args[0].equals("ssh") ? SshTransports.connect(Target.parse(args[1]),
            SshSettings.builder().sshConfigFile(Path.of(args[2])).identityFile(Path.of(args[3]))
                .useAgent(false).build()) : local;
        ServeClient source = ServeClient.open(local);
        ServeClient destination = args[0].equals("ssh") ? ServeClient.open(remote)
            : ServeClient.open(local, Command.of("nix-store", "--store", args[1], "--serve", "--write"))) {
      CopyResult r = CopyEngine.builder().signer(new TestSigner("small-heap-1")).build()
          .copy(source, destination, roots);
      System.out.println("sent " + r.pathsSent() + " " + r.bytesSent()
          + " maxHeap " + Runtime.getRuntime().maxMemory());
    }
  }
}
