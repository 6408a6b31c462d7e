package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.ActivationOptions;
import java.util.Objects;

/** A profile to point at the copied root: its name, its directory, and whether to insist on root. */
public record ProfileRequest(String name, String directory, boolean sudo) {
  /** Checks the name. */
  public ProfileRequest {
    ActivationOptions.checkName("profile name", name);
    Objects.requireNonNull(directory, "directory");
  }
}
