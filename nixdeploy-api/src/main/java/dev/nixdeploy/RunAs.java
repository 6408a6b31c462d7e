package dev.nixdeploy;

/** Who runs a step on a host that root may have to run: see {@link Deployment#profile(String, String, RunAs)}. */
public enum RunAs {
  /**
   * The login user where it may do the step (e.g. write the profile's directory), else root: directly,
   * with {@code sudo -n}, or with {@code sudo -S} and the deployer's {@link SudoPasswordSource}.
   */
  LOGIN_USER_IF_ALLOWED,
  /** Root, even where the login user could do the step itself (e.g. so that root owns the profile). */
  ROOT
}
