package dev.nixdeploy.testing;

import java.util.List;
import java.util.Objects;

/**
 * How {@code switch-to-configuration} ends on a {@link FakeNixHost} for its next activation, and what it
 * prints:
 *
 * <pre>{@code
 * web.whenSwitching(SwitchBehaviour.exit(4).printing("warning: the following units failed: nginx.service"));
 * }</pre>
 */
public final class SwitchBehaviour {
  private final int exitCode;
  private final boolean locksOut;
  private final List<String> output;

  private SwitchBehaviour(int exitCode, boolean locksOut, List<String> output) {
    this.exitCode = exitCode;
    this.locksOut = locksOut;
    this.output = List.copyOf(output);
  }

  /** @return exit code 0: the default */
  public static SwitchBehaviour succeed() {
    return new SwitchBehaviour(0, false, List.of());
  }

  /**
   * @param exitCode e.g. 4 (some units failed), 100 (reboot required) or 1 (failed)
   * @return a switch that exits with that code
   */
  public static SwitchBehaviour exit(int exitCode) {
    if (exitCode < 0 || exitCode > 255) {
      throw new IllegalArgumentException("An exit code is 0 to 255, not " + exitCode);
    }
    return new SwitchBehaviour(exitCode, false, List.of());
  }

  /**
   * A switch that succeeds but cuts the deployer off: from then on the host takes no new connections,
   * and its confirmation window passes without a confirmation, so a confirmed activation is rolled back
   * by the host's watchdog (after which connections work again).
   *
   * @return the behaviour
   */
  public static SwitchBehaviour lockOut() {
    return new SwitchBehaviour(0, true, List.of());
  }

  /**
   * @param lines what {@code switch-to-configuration} prints, line by line
   * @return this behaviour, printing those lines
   */
  public SwitchBehaviour printing(String... lines) {
    for (String line : lines) {
      Objects.requireNonNull(line, "line");
    }
    return new SwitchBehaviour(exitCode, locksOut, List.of(lines));
  }

  int exitCode() {
    return exitCode;
  }

  boolean locksOut() {
    return locksOut;
  }

  List<String> output() {
    return output;
  }

  @Override
  public String toString() {
    return locksOut ? "SwitchBehaviour{lock out}" : "SwitchBehaviour{exit " + exitCode + "}";
  }
}
