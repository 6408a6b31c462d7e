package dev.nixdeploy.sandbox;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link SandboxTest}: starts {@link SandboxHosts} once per test class (as
 * many as {@link SandboxTest#hosts()} says, else one), resolves parameters of that type, and closes them
 * after the class. A failure to start them fails the class; nothing is skipped. Registered directly
 * with {@code @ExtendWith(SandboxExtension.class)}, it starts one host.
 */
public final class SandboxExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver,
    TestWatcher {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SandboxExtension.class);
  private static final String KEY = "hosts";
  private static final String REPORT = "report";

  /** Starts the hosts, so that the time it takes is the class's, not its first test's. */
  @Override
  public void beforeAll(ExtensionContext context) {
    hosts(context);
  }

  /** Stops the hosts of the class. */
  @Override
  public void afterAll(ExtensionContext context) {
    ExtensionContext.Store store = classContext(context).getStore(NAMESPACE);
    NixVersionReport report = store.remove(REPORT, NixVersionReport.class);
    SandboxHosts hosts = store.remove(KEY, SandboxHosts.class);
    if (hosts != null) {
      hosts.close();
    }
    if (report != null) {
      report.write();
    }
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    record(context, "SUCCESSFUL");
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    record(context, "FAILED");
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    record(context, "ABORTED");
  }

  // Which Nix each test ran against, for scripts/test to count (see NixVersionReport).
  private static void record(ExtensionContext context, String outcome) {
    ExtensionContext owner = classContext(context);
    ExtensionContext.Store store = owner.getStore(NAMESPACE);
    SandboxHosts hosts = store.get(KEY, SandboxHosts.class);
    store.getOrComputeIfAbsent(REPORT, key -> new NixVersionReport(owner.getRequiredTestClass().getName()),
        NixVersionReport.class)
        .record(hosts == null ? List.of() : hosts.hosts(), context.getDisplayName(), outcome);
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
    List<SandboxNix> nixes = AnnotationSupport.findAnnotation(owner.getRequiredTestClass(), SandboxTest.class)
        .map(SandboxExtension::nixes).orElse(List.of(SandboxNix.MACHINE));
    return owner.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> SandboxHosts.start(nixes),
        SandboxHosts.class);
  }

  /** @return the Nix of each host that {@code test} asks for */
  static List<SandboxNix> nixes(SandboxTest test) {
    if (test.hosts() < 1) {
      throw new IllegalArgumentException("@SandboxTest(hosts = " + test.hosts() + "): at least 1");
    }
    SandboxNix[] nix = test.nix();
    if (nix.length <= 1) {
      return Collections.nCopies(test.hosts(), nix.length == 0 ? SandboxNix.MACHINE : nix[0]);
    }
    if (nix.length != test.hosts()) {
      throw new IllegalArgumentException("@SandboxTest(hosts = " + test.hosts() + ") names " + nix.length
          + " Nix versions: give one for all hosts or one per host");
    }
    return List.of(nix);
  }

  // The context of the test class itself, where the hosts live from before the first test to after the last.
  static ExtensionContext classContext(ExtensionContext context) {
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
