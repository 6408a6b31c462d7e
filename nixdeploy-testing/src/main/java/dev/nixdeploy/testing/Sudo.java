package dev.nixdeploy.testing;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@code sudo} does for the login user of a {@link FakeNixHost} that is not root: runs commands
 * without a password, wants one, or refuses.
 *
 * <pre>{@code
 * FakeNixHost.builder("deploy@web-1").sudo(Sudo.withPassword("s3cret")).build();
 * }</pre>
 */
public final class Sudo {
  private enum Kind { NO_PASSWORD, PASSWORD, REFUSED }

  private final Kind kind;
  private final Optional<String> password;

  private Sudo(Kind kind, Optional<String> password) {
    this.kind = kind;
    this.password = password;
  }

  /** @return sudo as {@code NOPASSWD: ALL} in sudoers: the default */
  public static Sudo withoutPassword() {
    return new Sudo(Kind.NO_PASSWORD, Optional.empty());
  }

  /**
   * @param password the one password sudo accepts (read from standard input, {@code sudo -S})
   * @return sudo that wants a password: {@code sudo -n} fails with "a password is required"
   */
  public static Sudo withPassword(String password) {
    return new Sudo(Kind.PASSWORD, Optional.of(Objects.requireNonNull(password, "password")));
  }

  /** @return a login user that is not in sudoers */
  public static Sudo refused() {
    return new Sudo(Kind.REFUSED, Optional.empty());
  }

  boolean withoutPasswordAllowed() {
    return kind == Kind.NO_PASSWORD;
  }

  boolean refuses() {
    return kind == Kind.REFUSED;
  }

  boolean accepts(String given) {
    return kind == Kind.PASSWORD && password.orElseThrow().equals(given);
  }

  @Override
  public String toString() {
    return "Sudo{" + kind + "}";
  }
}
