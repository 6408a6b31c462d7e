package dev.nixdeploy.internal.activation;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import dev.nixdeploy.NixDeployException;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.SudoPasswordSource;
import dev.nixdeploy.Transport;
import dev.nixdeploy.internal.privilege.RootAccess;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Sets Nix profiles on a host, for path deploys with a profile ({@code nix-deploy path --profileName NAME
 * [--profilePath DIR] [--sudo]}): {@code nix-env --profile DIR/NAME --set PATH}, as the login user when it
 * may write the profile's directory, else as root.
 *
 * <pre>{@code
 * ProfileUpdate u = Profiles.set(transport, app, "web-app", Profiles.DEFAULT_DIRECTORY, false, null);
 * u.generationAfter(); // e.g. 7
 * }</pre>
 */
public final class Profiles {
  /** Where profiles go when no directory is given. */
  public static final String DEFAULT_DIRECTORY = "/nix/var/nix/profiles";

  private static final Pattern DIRECTORY = Pattern.compile("(/[A-Za-z0-9._+][A-Za-z0-9._+-]*)+");

  private Profiles() {}

  /**
   * Points a profile at a store path already in the host's store, making a new generation.
   *
   * @param transport the host
   * @param path the store path
   * @param profileName the profile's name, see {@link ActivationOptions#checkName}
   * @param directory an absolute directory for the profile, e.g. {@value #DEFAULT_DIRECTORY} or
   *     {@code /nix/var/nix/profiles/per-user/deploy}; no {@code ..}, no white space or quotes
   * @param sudo whether to set it as root even if the login user could write the directory
   * @param sudoPasswords where to get a sudo password if sudo wants one; null if none
   * @return the profile and its generations before and after
   * @throws IllegalArgumentException if the name or directory is not allowed
   * @throws dev.nixdeploy.PrivilegeException if root is needed and the login user cannot become root
   * @throws dev.nixdeploy.CommandFailedException if {@code nix-env} fails (e.g. the path is not valid)
   */
  public static ProfileUpdate set(Transport transport, StorePath path, String profileName, String directory,
      boolean sudo, @Nullable SudoPasswordSource sudoPasswords) {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(path, "path");
    ActivationOptions.checkName("profileName", profileName);
    String profile = checkDirectory(directory) + "/" + profileName;
    Command set = Command.of("sh", "-c", Scripts.PROFILE_SET, "sh", profile, path.path());
    CommandResult result;
    if (sudo || !writable(transport, directory)) {
      RootAccess root = RootAccess.detect(transport, sudoPasswords);
      try {
        result = root.run(set);
      } finally {
        root.forget();
      }
    } else {
      result = transport.run(set);
    }
    result.orThrow(transport.host());
    KeyValues generations = KeyValues.parse(result.stdout());
    OptionalInt after = generations.integer("after");
    if (after.isEmpty()) {
      throw new NixDeployException("nix-env set " + profile + " on " + transport.host()
          + " but it points at no generation: " + result.stdout().strip());
    }
    return new ProfileUpdate(transport.host(), profile, path, generations.integer("before"),
        after.getAsInt());
  }

  /**
   * @param directory a profile directory
   * @return it, without a trailing {@code /}
   * @throws IllegalArgumentException unless absolute and made of safe names (no {@code ..})
   */
  static String checkDirectory(String directory) {
    Objects.requireNonNull(directory, "directory");
    String d = directory.length() > 1 && directory.endsWith("/")
        ? directory.substring(0, directory.length() - 1) : directory;
    boolean dots = java.util.Arrays.stream(d.split("/")).anyMatch(part -> part.equals(".") || part.equals(".."));
    if (!DIRECTORY.matcher(d).matches() || dots) {
      throw new IllegalArgumentException("profilePath \"" + directory + "\" is not allowed: give an absolute"
          + " directory of names made of letters, digits, '.', '_', '+' or '-' (no '.' or '..' names, none"
          + " starting with '-'),"
          + " e.g. " + DEFAULT_DIRECTORY);
    }
    return d;
  }

  // Whether the login user may write the directory, or the nearest existing directory above it.
  private static boolean writable(Transport transport, String directory) {
    return transport.run(Command.of("sh", "-c",
        "d=$1; while [ -n \"$d\" ] && [ ! -e \"$d\" ]; do d=${d%/*}; done; d=${d:-/};"
            + " [ -d \"$d\" ] && [ -w \"$d\" ]", "sh",
        checkDirectory(directory))).succeeded();
  }
}
