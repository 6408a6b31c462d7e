package dev.nixdeploy.core.serve;

import dev.nixdeploy.Command;
import dev.nixdeploy.CopyResult;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.core.local.LocalTransport;
import java.util.List;

/** Copies a closure from the local store into a chroot store; run in a JVM with a small heap. */
public final class CopyMain {
  private CopyMain() {}

  public static void main(String[] args) {
    Command dest = Command.of("nix-store", "--store", args[0], "--serve", "--write");
    try (LocalTransport local = LocalTransport.create();
        ServeClient source = ServeClient.open(local);
        ServeClient destination = ServeClient.open(local, dest)) {
      CopyResult r = CopyEngine.builder().signer(new TestSigner("small-heap-1")).build()
          .copy(source, destination, List.of(StorePath.parse(args[1])));
      System.out.println("sent " + r.pathsSent() + " " + r.bytesSent()
          + " maxHeap " + Runtime.getRuntime().maxMemory());
    }
  }
}
