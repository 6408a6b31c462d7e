package dev.nixdeploy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to activate a NixOS system closure on a host: which {@code switch-to-configuration} action, which
 * system profile, and the safety nets around it. Immutable; made by {@link #builder()}, every value
 * checked when it is given and the combination when {@link Builder#build()} runs.
 *
 * <pre>{@code
 * ActivationOptions switchSafely = ActivationOptions.defaults();       // switch, rollback, confirmation
 * ActivationOptions web = ActivationOptions.builder()
 *     .mode(ActivationMode.SWITCH)
 *     .systemName("web")                       // /nix/var/nix/profiles/system-profiles/web
 *     .confirmTimeout(Duration.ofSeconds(60))
 *     .failOnPartialSuccess(true)
 *     .build();
 * ActivationOptions reboot = ActivationOptions.builder().mode(ActivationMode.BOOT).reboot(true).build();
 * }</pre>
 *
 * <p>Defaults: {@link ActivationMode#SWITCH}, the system profile {@value #SYSTEM_PROFILE}, automatic
 * rollback on, confirmation on for {@code switch} with a timeout of 30 seconds, exit code 4 (some units
 * failed) a warning, no bootloader reinstall, no reboot (wait up to 5 minutes when asked).
 */
public final class ActivationOptions {
  /** The default system profile, as {@code nixos-rebuild} uses it. */
  public static final String SYSTEM_PROFILE = "/nix/var/nix/profiles/system";
  /** Where named system profiles ({@code nixos-rebuild --profile-name}) live. */
  public static final String SYSTEM_PROFILES_DIR = "/nix/var/nix/profiles/system-profiles";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,99}");
  private static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_REBOOT_TIMEOUT = Duration.ofMinutes(5);

  private final ActivationMode mode;
  private final Optional<String> systemName;
  private final boolean autoRollback;
  private final boolean confirm;
  /** The builder's explicit choice, empty for the mode's default: kept so newBuilder() can change mode. */
  private final Optional<Boolean> confirmChoice;
  private final Duration confirmTimeout;
  private final boolean failOnPartialSuccess;
  private final boolean installBootloader;
  private final boolean reboot;
  private final Duration rebootTimeout;

  private ActivationOptions(Builder b, boolean confirm) {
    this.mode = b.mode;
    this.systemName = b.systemName;
    this.autoRollback = b.autoRollback;
    this.confirm = confirm;
    this.confirmChoice = b.confirm;
    this.confirmTimeout = b.confirmTimeout;
    this.failOnPartialSuccess = b.failOnPartialSuccess;
    this.installBootloader = b.installBootloader;
    this.reboot = b.reboot;
    this.rebootTimeout = b.rebootTimeout;
  }

  /** @return the defaults: switch the system profile, with automatic rollback and confirmation */
  public static ActivationOptions defaults() {
    return builder().build();
  }

  /** @return a builder holding the defaults */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return a builder holding these options; a confirmation left to the mode's default stays a default,
   *     so e.g. {@code defaults().newBuilder().mode(ActivationMode.BOOT).build()} is an unconfirmed boot
   */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.mode = mode;
    b.systemName = systemName;
    b.autoRollback = autoRollback;
    b.confirm = confirmChoice;
    b.confirmTimeout = confirmTimeout;
    b.failOnPartialSuccess = failOnPartialSuccess;
    b.installBootloader = installBootloader;
    b.reboot = reboot;
    b.rebootTimeout = rebootTimeout;
    return b;
  }

  /**
   * Checks a profile or system name: 1 to 100 of letters, digits, {@code . _ + -}, not starting with
   * {@code .}, {@code +} or {@code -}; so it can be neither a path ({@code /}, {@code ..}) nor an option.
   *
   * @param what what the name is, for the message (e.g. {@code systemName})
   * @param name the name
   * @return the name
   * @throws IllegalArgumentException saying what is allowed, otherwise
   */
  public static String checkName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException(what + " \"" + printable(name) + "\" is not allowed: use 1 to 100"
          + " letters, digits, '.', '_', '+' or '-', starting with a letter, digit or '_' (no '/', no '..')");
    }
    return name;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(100).forEach(c -> {
      if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }

  /** @return what {@code switch-to-configuration} does */
  public ActivationMode mode() {
    return mode;
  }

  /** @return the name of a system profile under {@value #SYSTEM_PROFILES_DIR}, if not the default one */
  public Optional<String> systemName() {
    return systemName;
  }

  /**
   * @return the profile {@code switch} and {@code boot} set, e.g. {@value #SYSTEM_PROFILE} or {@code
   *     /nix/var/nix/profiles/system-profiles/web}
   */
  public String profile() {
    return systemName.map(n -> SYSTEM_PROFILES_DIR + "/" + n).orElse(SYSTEM_PROFILE);
  }

  /** @return whether a failed {@code switch}, {@code boot} or {@code test} returns to the previous system */
  public boolean autoRollback() {
    return autoRollback;
  }

  /**
   * @return whether the host rolls itself back unless nix-deploy proves, over a new ssh connection, that
   *     it still reaches the host after the activation (only ever true for {@code switch} and {@code test})
   */
  public boolean confirm() {
    return confirm;
  }

  /** @return how long the host waits for the confirmation after the activation ends */
  public Duration confirmTimeout() {
    return confirmTimeout;
  }

  /** @return whether exit code 4 (some units failed, the system is switched) fails the activation */
  public boolean failOnPartialSuccess() {
    return failOnPartialSuccess;
  }

  /** @return whether {@code NIXOS_INSTALL_BOOTLOADER=1} is set: a full bootloader reinstall */
  public boolean installBootloader() {
    return installBootloader;
  }

  /** @return whether the host reboots into the system after a {@code boot} activation */
  public boolean reboot() {
    return reboot;
  }

  /** @return how long to wait for the host to answer over ssh again after a reboot */
  public Duration rebootTimeout() {
    return rebootTimeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationOptions other && mode == other.mode && systemName.equals(other.systemName)
        && autoRollback == other.autoRollback && confirm == other.confirm
        && confirmChoice.equals(other.confirmChoice)
        && confirmTimeout.equals(other.confirmTimeout) && failOnPartialSuccess == other.failOnPartialSuccess
        && installBootloader == other.installBootloader && reboot == other.reboot
        && rebootTimeout.equals(other.rebootTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, systemName, autoRollback, confirm, confirmChoice, confirmTimeout, failOnPartialSuccess,
        installBootloader, reboot, rebootTimeout);
  }

  @Override
  public String toString() {
    return "ActivationOptions{" + mode.action() + " " + profile() + (autoRollback ? ", rollback" : "")
        + (confirm ? ", confirm within " + confirmTimeout.toSeconds() + "s" : "")
        + (failOnPartialSuccess ? ", fail on partial success" : "")
        + (installBootloader ? ", install bootloader" : "")
        + (reboot ? ", reboot within " + rebootTimeout.toSeconds() + "s" : "") + "}";
  }

  /** Collects options; each setter checks its value and returns this builder. Not thread-safe. */
  public static final class Builder {
    private ActivationMode mode = ActivationMode.SWITCH;
    private Optional<String> systemName = Optional.empty();
    private boolean autoRollback = true;
    private Optional<Boolean> confirm = Optional.empty();
    private Duration confirmTimeout = DEFAULT_CONFIRM_TIMEOUT;
    private boolean failOnPartialSuccess;
    private boolean installBootloader;
    private boolean reboot;
    private Duration rebootTimeout = DEFAULT_REBOOT_TIMEOUT;

    private Builder() {}

    /**
     * @param mode what {@code switch-to-configuration} does (default {@link ActivationMode#SWITCH})
     * @return this
     */
    public Builder mode(ActivationMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * @param name a named system profile, {@code /nix/var/nix/profiles/system-profiles/NAME}, as
     *     {@code nixos-rebuild --profile-name} uses it; see {@link #checkName} for what is allowed
     * @return this
     * @throws IllegalArgumentException if the name is not allowed
     */
    public Builder systemName(String name) {
      this.systemName = Optional.of(checkName("systemName", name));
      return this;
    }

    /** @return this, using the default system profile {@value ActivationOptions#SYSTEM_PROFILE} */
    public Builder defaultSystemProfile() {
      this.systemName = Optional.empty();
      return this;
    }

    /**
     * @param on whether a failed activation returns to the previous system (default true)
     * @return this
     */
    public Builder autoRollback(boolean on) {
      this.autoRollback = on;
      return this;
    }

    /**
     * @param on whether the host rolls itself back unless confirmed over a new ssh connection (default:
     *     true for {@code switch}, false otherwise; only {@code switch} and {@code test} can be confirmed)
     * @return this
     */
    public Builder confirm(boolean on) {
      this.confirm = Optional.of(on);
      return this;
    }

    /**
     * @param timeout how long the host waits for the confirmation, from 1 second to 1 hour (default 30
     *     seconds); rounded up to whole seconds
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    public Builder confirmTimeout(Duration timeout) {
      this.confirmTimeout = checkRange("confirmTimeout", timeout, Duration.ofHours(1));
      return this;
    }

    /**
     * @param on whether exit code 4 (some units failed) counts as a failure, rolled back like one
     *     (default false: a warning)
     * @return this
     */
    public Builder failOnPartialSuccess(boolean on) {
      this.failOnPartialSuccess = on;
      return this;
    }

    /**
     * @param on whether to force a full bootloader install ({@code NIXOS_INSTALL_BOOTLOADER=1}); for
     *     {@code switch} and {@code boot} only
     * @return this
     */
    public Builder installBootloader(boolean on) {
      this.installBootloader = on;
      return this;
    }

    /**
     * @param on whether to reboot the host into the system after {@code boot}, then wait for it and check
     *     that it runs the new system; needs {@link ActivationMode#BOOT}
     * @return this
     */
    public Builder reboot(boolean on) {
      this.reboot = on;
      return this;
    }

    /**
     * @param timeout how long to wait for the host after a reboot, from 1 second to 1 hour (default 5
     *     minutes)
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    public Builder rebootTimeout(Duration timeout) {
      this.rebootTimeout = checkRange("rebootTimeout", timeout, Duration.ofHours(1));
      return this;
    }

    /**
     * @return the options
     * @throws IllegalArgumentException if the combination makes no sense: confirmation for {@code boot}
     *     or {@code dry-activate}, a bootloader install without {@code switch} or {@code boot}, a reboot
     *     without {@code boot}
     */
    public ActivationOptions build() {
      boolean confirmable = mode == ActivationMode.SWITCH || mode == ActivationMode.TEST;
      if (confirm.orElse(false) && !confirmable) {
        throw new IllegalArgumentException("confirm: only switch and test can be confirmed, not "
            + mode.action() + " (use confirm(false))");
      }
      if (installBootloader && !mode.setsProfile()) {
        throw new IllegalArgumentException("installBootloader: a bootloader is installed by switch and boot"
            + " only, not " + mode.action());
      }
      if (reboot && mode != ActivationMode.BOOT) {
        throw new IllegalArgumentException("reboot: rebooting needs mode boot (the system becomes the boot"
            + " default, then the host reboots into it), not " + mode.action());
      }
      return new ActivationOptions(this, confirm.orElse(mode == ActivationMode.SWITCH));
    }

    private static Duration checkRange(String what, Duration value, Duration max) {
      Objects.requireNonNull(value, what);
      if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(what + " must be from 1 second to " + max.toMinutes()
            + " minutes: " + value);
      }
      return value;
    }
  }
}
