package dev.nixdeploy.internal.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The known_hosts files OpenSSH would read for one host, and how it names the host in them.
 *
 * @param userFiles {@code UserKnownHostsFile}: read first; new keys go to the first one
 * @param globalFiles {@code GlobalKnownHostsFile}: read after the user files, never written
 * @param hostKeyAlias {@code HostKeyAlias}: the name looked up instead of the host and port
 * @param hashNewEntries whether added lines hash the host name ({@code HashKnownHosts yes})
 */
record KnownHostsFiles(List<Path> userFiles, List<Path> globalFiles, Optional<String> hostKeyAlias,
    boolean hashNewEntries) {
  /** OpenSSH's default global files. */
  static final List<Path> DEFAULT_GLOBAL =
      List.of(Path.of("/etc/ssh/ssh_known_hosts"), Path.of("/etc/ssh/ssh_known_hosts2"));

  KnownHostsFiles {
    if (userFiles.isEmpty()) {
      throw new IllegalArgumentException("userFiles is empty");
    }
    userFiles = List.copyOf(userFiles);
    globalFiles = List.copyOf(globalFiles);
  }

  /** @return one user file, OpenSSH's global files, no alias, no hashing */
  static KnownHostsFiles of(Path userFile) {
    return new KnownHostsFiles(List.of(userFile), DEFAULT_GLOBAL, Optional.empty(), false);
  }

  /** @return every file, user files first */
  List<Path> all() {
    List<Path> all = new ArrayList<>(userFiles);
    all.addAll(globalFiles);
    return all;
  }
}
