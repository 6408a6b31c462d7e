package dev.nixdeploy.sandbox;

/**
 * A JVM that starts a sandbox host, prints where it lives, and waits to be killed: for
 * {@link SandboxLifecycleIT}, which checks that the host dies with it.
 */
public final class SandboxCrashChild {
  private SandboxCrashChild() {}

  public static void main(String[] args) throws InterruptedException {
    SandboxHosts hosts = SandboxHosts.start(1);
    System.out.println(hosts.root());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
