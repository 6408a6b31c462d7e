package dev.nixdeploy.sandbox;

import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link SandboxTest}: starts {@link SandboxHosts} once per test class (as
 * many as {@link SandboxTest#hosts()} says, else one), resolves parameters of that type, and closes them
 * after the class. A failure to start them fails the class; nothing is skipped. Registered directly
 * with {@code @ExtendWith(SandboxExtension.class)}, it starts one host.
 */
public final class SandboxExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SandboxExtension.class);
  private static final String KEY = "hosts";

  /** Starts the hosts, so that the time it takes is the class's, not its first test's. */
  @Override
  public void beforeAll(ExtensionContext context) {
    hosts(context);
  }

  /** Stops the hosts of the class. */
  @Override
  public void afterAll(ExtensionContext context) {
    SandboxHosts hosts = classContext(context).getStore(NAMESPACE).remove(KEY, SandboxHosts.class);
    if (hosts != null) {
      hosts.close();
    }
  }

  /** @return true for parameters of type {@link SandboxHosts} */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SandboxHosts.class;
  }

  /** @return the hosts of the test class, started if they are not yet */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return hosts(context);
  }

  private static SandboxHosts hosts(ExtensionContext context) {
    ExtensionContext owner = classContext(context);
    int count = AnnotationSupport.findAnnotation(owner.getRequiredTestClass(), SandboxTest.class)
        .map(SandboxTest::hosts).orElse(1);
    return owner.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> SandboxHosts.start(count),
        SandboxHosts.class);
  }

  // The context of the test class itself, where the hosts live from before the first test to after the last.
  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getElement().filter(Class.class::isInstance).isEmpty()) {
      Optional<ExtensionContext> parent = current.getParent();
      if (parent.isEmpty()) {
        return context;
      }
      current = parent.get();
    }
    return current;
  }
}
