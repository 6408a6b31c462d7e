package dev.nixdeploy.sandbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit 5 test class against sandbox hosts: they start once before the class's first test and
 * stop after its last; test methods, lifecycle methods and constructors receive them as a
 * {@link SandboxHosts} parameter.
 *
 * <pre>{@code
 * @SandboxTest(hosts = 2)
 * class CopyIT {
 *   @Test
 *   void copies(SandboxHosts hosts) {
 *     SandboxHost target = hosts.host(0);
 *     ...
 *   }
 * }
 * }</pre>
 *
 * @see SandboxExtension
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SandboxExtension.class)
public @interface SandboxTest {
  /** @return how many hosts to start, at least 1 */
  int hosts() default 1;

  /**
   * Which Nix the hosts run: none given, this machine's; one, every host runs it; else one per host, in
   * index order (as many as {@link #hosts()}). A subclass that redeclares {@code @SandboxTest} with another
   * Nix runs the inherited tests against it:
   *
   * <pre>{@code
   * @SandboxTest(hosts = 2, nix = SandboxNix.DEBIAN_SID)
   * class KeyExchangeOnNixSidIT extends KeyExchangeIT {}
   * }</pre>
   *
   * @return the Nix of the hosts
   */
  SandboxNix[] nix() default {};
}
