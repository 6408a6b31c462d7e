package dev.nixdeploy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.ActivationMode;
import dev.nixdeploy.ActivationOptions;
import dev.nixdeploy.Deployer;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.examples.DeployService.DeployFailure;
import dev.nixdeploy.testing.FakeNixHost;
import dev.nixdeploy.testing.SwitchBehaviour;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a user unit-tests code that deploys: the real {@link Deployer} against in-memory Nix hosts, with no
 * SSH, no Nix and no root, asserting on the host's state and on what the code made of the events.
 */
class DeployServiceTest {
  @TempDir Path dir;

  private final FakeNixHost laptop = FakeNixHost.builder("local").user("ci").hostname("ci-runner").build();
  private final FakeNixHost web = FakeNixHost.builder("admin@web-1").build();
  private final List<String> progress = new ArrayList<>();
  private DeployService service;
  private StorePath nginx;
  private StorePath system;

  @BeforeEach
  void setUp() {
    Deployer deployer = Deployer.builder()
        .transports(web)
        .localTransports(laptop)
        .signingKeyFile(dir.resolve("signing-key.sec"))
        .build();
    service = new DeployService(deployer);
    nginx = laptop.addPath("nginx-1.26", "the web server");
    system = laptop.addSystem("nixos-system-web-1-24.05", nginx);
  }

  @Test
  void deploysAndActivatesTheSystemReportingEachStep() throws DeployFailure {
    DeployService.Report report = service.deploySystem("admin@web-1", system, ActivationMode.SWITCH,
        progress::add);

    assertThat(report.pathsSent()).isEqualTo(2);
    assertThat(report.generation()).hasValue(1);
    assertThat(web.currentSystem()).contains(system);
    assertThat(web.profile(ActivationOptions.SYSTEM_PROFILE)).contains(system);
    assertThat(progress).hasSize(6);
    assertThat(progress.get(1)).matches("admin@web-1 now trusts ci-runner-nix-deploy-[0-9a-f]{8}");
    progress.remove(1);
    assertThat(progress).containsExactly(
        "connected to admin@web-1",
        "sending 2 paths (" + (narSize(nginx) + narSize(system)) + " bytes) to admin@web-1",
        "[1/2] nginx-1.26",
        "[2/2] nixos-system-web-1-24.05",
        "switch nixos-system-web-1-24.05 on admin@web-1");
  }

  private long narSize(StorePath path) {
    return laptop.pathInfo(path).orElseThrow().narSize();
  }

  @Test
  void aFailedSwitchIsReportedAsARollback() throws DeployFailure {
    StorePath previous = laptop.addSystem("nixos-system-web-1-23.11");
    service.deploySystem("admin@web-1", previous, ActivationMode.SWITCH, line -> { });
    web.whenSwitching(SwitchBehaviour.exit(1).printing("Failed to start nginx.service"));

    assertThatThrownBy(() -> service.deploySystem("admin@web-1", system, ActivationMode.SWITCH, progress::add))
        .isInstanceOfSatisfying(DeployFailure.class, e -> {
          assertThat(e.kind()).isEqualTo(DeployFailure.Kind.ROLLED_BACK);
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains("failed with exit code 1", "Failed to start nginx.service");
        });
    assertThat(web.currentSystem()).contains(previous);
    assertThat(progress).contains("admin@web-1 rolled back: switch-to-configuration switch failed with exit code 1");
  }

  @Test
  void aConnectionLostMidCopyIsRetryableAndTheRetrySendsTheRest() throws DeployFailure {
    web.dropConnectionAfterPaths(1);

    assertThatThrownBy(() -> service.deploySystem("admin@web-1", system, ActivationMode.SWITCH, progress::add))
        .isInstanceOfSatisfying(DeployFailure.class, e -> {
          assertThat(e.kind()).isEqualTo(DeployFailure.Kind.CONNECTION_LOST);
          assertThat(e.retryable()).isTrue();
          assertThat(e.host()).isEqualTo("admin@web-1");
        });
    assertThat(web.received()).hasSize(1);
    assertThat(web.currentSystem()).isEmpty();

    assertThat(service.deploySystem("admin@web-1", system, ActivationMode.SWITCH, line -> { }).pathsSent())
        .isEqualTo(1);
    assertThat(web.currentSystem()).contains(system);
  }

  @Test
  void aChangedHostKeyIsRefusedAndNothingIsSent() {
    web.changeHostKey();

    assertThatThrownBy(() -> service.deploySystem("admin@web-1", system, ActivationMode.SWITCH, progress::add))
        .isInstanceOfSatisfying(DeployFailure.class, e -> {
          assertThat(e.kind()).isEqualTo(DeployFailure.Kind.HOST_KEY_REFUSED);
          assertThat(e.getMessage()).contains("is changed: check it");
        });
    assertThat(web.commands()).isEmpty();
    assertThat(progress).isEmpty();
  }
}
