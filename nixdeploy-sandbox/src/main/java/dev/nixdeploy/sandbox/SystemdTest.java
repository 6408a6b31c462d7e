package dev.nixdeploy.sandbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit 5 test class against hosts that boot systemd as PID 1 ({@link SystemdHosts}): they boot
 * once before the class's first test and halt after its last; test methods, lifecycle methods and
 * constructors receive them as a {@link SystemdHosts} parameter. When a test fails, the journal of every
 * host is printed.
 *
 * @see SystemdExtension
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SystemdExtension.class)
public @interface SystemdTest {
  /** @return how many hosts to boot, at least 1 */
  int hosts() default 1;

  /** @return the Debian root they boot: {@code trixie} or {@code sid} */
  String suite() default SystemdHosts.DEFAULT_SUITE;
}
