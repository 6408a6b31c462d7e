package dev.nixdeploy;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A Nix profile set to a store path on a host ({@code nix-env --profile PROFILE --set PATH}).
 *
 * @param host the host, as in messages
 * @param profile the profile's path, e.g. {@code /nix/var/nix/profiles/web-app}
 * @param path what the profile points to now
 * @param generationBefore the profile's generation before, if it existed
 * @param generationAfter the generation made
 */
public record ProfileUpdate(String host, String profile, StorePath path, OptionalInt generationBefore,
    int generationAfter) {
  /** Checks that no component is null. */
  public ProfileUpdate {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(generationBefore, "generationBefore");
  }
}
