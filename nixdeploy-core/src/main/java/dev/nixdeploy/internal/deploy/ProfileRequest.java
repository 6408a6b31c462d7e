package dev.nixdeploy.internal.deploy;

import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.RunAs;
import java.util.Objects;

/** A profile to point at the copied root: its name, its directory, and who sets it. */
public record ProfileRequest(String name, String directory, RunAs runAs) {
  /** Checks the name. */
  public ProfileRequest {
    ActivationOptions.checkName("profile name", name);
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(runAs, "runAs");
  }
}
