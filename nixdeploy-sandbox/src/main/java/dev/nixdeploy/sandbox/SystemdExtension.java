package dev.nixdeploy.sandbox;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link SystemdTest}: boots {@link SystemdHosts} once per test class,
 * resolves parameters of that type, prints every host's journal to standard error when a test fails
 * (while the hosts still run), and halts them after the class. A failure to boot fails the class;
 * nothing is skipped.
 */
public final class SystemdExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver,
    TestWatcher {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SystemdExtension.class);
  private static final String KEY = "hosts";

  /** Boots the hosts, so that the time it takes is the class's, not its first test's. */
  @Override
  public void beforeAll(ExtensionContext context) {
    hosts(context);
  }

  /** Halts the hosts of the class. */
  @Override
  public void afterAll(ExtensionContext context) {
    SystemdHosts hosts = classContext(context).getStore(NAMESPACE).remove(KEY, SystemdHosts.class);
    if (hosts != null) {
      hosts.close();
    }
  }

  /** Prints the journal of every host of the class, which tells what systemd did during the test. */
  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    SystemdHosts hosts = classContext(context).getStore(NAMESPACE).get(KEY, SystemdHosts.class);
    if (hosts == null) {
      return;
    }
    for (SystemdHost host : hosts.hosts()) {
      System.err.println("---- journal of " + host + " after the failure of " + context.getDisplayName()
          + " ----\n" + host.journal() + "---- end of the journal of " + host.alias() + " ----");
    }
  }

  /** @return true for parameters of type {@link SystemdHosts} */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SystemdHosts.class;
  }

  /** @return the hosts of the test class, booted if they are not yet */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return hosts(context);
  }

  private static SystemdHosts hosts(ExtensionContext context) {
    ExtensionContext owner = classContext(context);
    SystemdTest settings = AnnotationSupport.findAnnotation(owner.getRequiredTestClass(), SystemdTest.class)
        .orElse(null);
    int count = settings == null ? 1 : settings.hosts();
    String suite = settings == null ? SystemdHosts.DEFAULT_SUITE : settings.suite();
    return owner.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> SystemdHosts.start(suite, count),
        SystemdHosts.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    return SandboxExtension.classContext(context);
  }
}
