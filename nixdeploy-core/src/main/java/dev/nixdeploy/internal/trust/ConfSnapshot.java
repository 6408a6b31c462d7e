package dev.nixdeploy.internal.trust;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.KeyExchangeException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A host's nix.conf as its login user reads it ({@code /etc/nix} is world-readable, so no sudo is
 * needed): the top file's exact bytes, whether it is a link into the Nix store (NixOS), and every
 * setting with includes expanded.
 *
 * @param file the top file
 * @param bytes its exact bytes, or empty if it does not exist; {@link Scripts#APPEND_LINE} compares them
 *     with the file under its lock, so they are never decoded and encoded again (a file that is not UTF-8
 *     would then never match)
 * @param storeLink whether it resolves into {@code /nix/store}, i.e. is read-only
 * @param settings its settings, in the order Nix applies them
 */
record ConfSnapshot(String file, Optional<byte[]> bytes, boolean storeLink, List<NixConf.Setting> settings) {
  private static final int MISSING = 3;
  /** Prints the file in hex: the text a command prints reaches us decoded as UTF-8, its bytes would not. */
  private static final String READ = "if [ -e \"$1\" ]; then exec od -An -v -tx1 -- \"$1\"; else exit 3; fi";

  /**
   * @throws KeyExchangeException if a file cannot be read or the configuration is malformed
   */
  static ConfSnapshot read(Host host, String file) {
    Optional<byte[]> bytes = readFile(host, file, false);
    NixConf.Source source = path -> readFile(host, path, true).map(ConfSnapshot::decode);
    boolean storeLink = false;
    if (bytes.isPresent()) {
      CommandResult link = host.run(Command.of("readlink", "-f", file));
      storeLink = link.succeeded() && link.stdout().strip().startsWith("/nix/store/");
    }
    try {
      List<NixConf.Setting> settings = bytes.isEmpty() ? List.of()
          : NixConf.settings(file, decode(bytes.get()), source);
      return new ConfSnapshot(file, bytes, storeLink, settings);
    } catch (IllegalArgumentException e) {
      throw new KeyExchangeException(host.name(), "The Nix configuration on " + host.name()
          + " cannot be read as Nix reads it, so nix-deploy changes nothing: " + e.getMessage(), e);
    }
  }

  /** Nix's settings are ASCII; other bytes (in comments, say) only need to survive, which they do. */
  private static String decode(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Optional<byte[]> readFile(Host host, String path, boolean included) {
    CommandResult r = host.run(Command.of("sh", "-c", READ, "sh", path));
    if (r.exitCode() == MISSING) {
      return Optional.empty();
    }
    if (!r.succeeded()) {
      String stderr = r.stderr().strip();
      throw new KeyExchangeException(host.name(), "Cannot read " + path + " on " + host.name()
          + " as the login user: " + stderr + ". " + (included
          ? "nix-deploy reads every file nix.conf includes, to know which keys the host trusts. An included"
          + " file often holds secrets (access-tokens, netrc passwords): do not make it readable by everyone."
          + " Give it a group the login user is in (chgrp GROUP " + path + "; chmod 640 " + path + "), or"
          + " deploy as a user that may read it, or move the secrets to a file nix.conf does not include"
          + " (e.g. root's own ~/.config/nix/nix.conf)."
          : "The top nix.conf holds no secrets and must be readable by everyone (chmod 644 " + path + ")."));
    }
    try {
      return Optional.of(HexFormat.of().parseHex(r.stdout().replaceAll("\\s", "")));
    } catch (IllegalArgumentException e) {
      throw new KeyExchangeException(host.name(), "Cannot read " + path + " on " + host.name()
          + ": 'od -An -v -tx1' printed something other than hex bytes. nix-deploy needs a POSIX od there.",
          e);
    }
  }
}
