package dev.nixdeploy.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What this machine needs to run sandbox hosts. */
final class Prerequisites {
  static final List<String> PROGRAMS = List.of("nix-daemon", "nix-store", "nix", "ssh", "ssh-keygen",
      "unshare", "nsenter", "setpriv", "useradd", "usermod", "chpasswd", "sudo", "hostname");
  // The host mounts its own directories over these: a temporary directory below one would vanish.
  static final List<String> MOUNTED = List.of("/etc", "/nix", "/run", "/home", "/root", "/usr/local");

  private static final String STANDARD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private Prerequisites() {}

  /** @return what is missing, each as a short phrase; empty if sandbox hosts can run here */
  static List<String> missing(Path tempRoot) {
    List<String> missing = new ArrayList<>();
    if (!isRoot()) {
      missing.add("root (mounts need it)");
    }
    if (!System.getProperty("os.name").equals("Linux")) {
      missing.add("Linux (namespaces)");
    }
    for (String program : PROGRAMS) {
      if (!onPath(program)) {
        missing.add("the program " + program);
      }
    }
    for (String file : List.of("/usr/sbin/sshd", "/nix", "/usr/local")) {
      if (!Files.exists(Path.of(file))) {
        missing.add(file);
      }
    }
    Path absolute = tempRoot.toAbsolutePath().normalize();
    for (String mounted : MOUNTED) {
      if (absolute.startsWith(mounted)) {
        missing.add("a temporary directory outside " + mounted + " (java.io.tmpdir is " + tempRoot + ")");
      }
    }
    return missing;
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  static boolean onPath(String program) {
    // Hosts run programs with the standard PATH of root, this JVM with its own.
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + STANDARD_PATH;
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
