package dev.nixdeploy;

import java.util.Locale;

/**
 * What {@code switch-to-configuration} does with a NixOS system closure, as {@code nixos-rebuild} names
 * it. {@link #SWITCH} and {@link #BOOT} also make the system the current generation of its profile;
 * {@link #TEST} and {@link #DRY_ACTIVATE} leave every profile alone.
 */
public enum ActivationMode {
  /** Make it the boot default and activate it now. */
  SWITCH("switch", true),
  /** Make it the boot default; activate it at the next boot. */
  BOOT("boot", true),
  /** Activate it now without making it the boot default: a reboot returns to the previous system. */
  TEST("test", false),
  /** Print what activating it would change, and change nothing. */
  DRY_ACTIVATE("dry-activate", false);

  private final String action;
  private final boolean setsProfile;

  ActivationMode(String action, boolean setsProfile) {
    this.action = action;
    this.setsProfile = setsProfile;
  }

  /** @return the argument {@code switch-to-configuration} takes, e.g. {@code dry-activate} */
  public String action() {
    return action;
  }

  /** @return true when this mode makes the system the current generation of its profile */
  public boolean setsProfile() {
    return setsProfile;
  }

  /**
   * @param action an action as {@code switch-to-configuration} or {@code nixos-rebuild} spell it
   *     ({@code switch}, {@code boot}, {@code test}, {@code dry-activate}), in any case
   * @return the mode
   * @throws IllegalArgumentException listing the valid actions, for anything else
   */
  public static ActivationMode fromAction(String action) {
    String wanted = action.strip().toLowerCase(Locale.ROOT);
    for (ActivationMode mode : values()) {
      if (mode.action.equals(wanted)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "Unknown activation action \"" + action + "\": expected switch, boot, test or dry-activate");
  }
}
