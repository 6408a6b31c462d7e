package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.CopyResult;
import dev.nixdeploy.Direction;
import dev.nixdeploy.FleetHostResult;
import dev.nixdeploy.FleetResult;
import dev.nixdeploy.ProfileUpdate;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The --json document, one shape for one host and many, member by member as docs/cli.md lists them. */
class JsonReportTest {
  private static final StorePath APP = StorePath.parse("/nix/store/00000000000000000000000000000000-app-1.2");

  @Test
  void oneElementPerHostWithWhatWasCopiedAndTheError() {
    FleetHostResult done = new FleetHostResult(Target.parse("deploy@web-1"), FleetHostResult.State.SUCCEEDED,
        Optional.empty(), Optional.of(new CopyResult(List.of(APP), 4096, 2, Duration.ofMillis(420))),
        Optional.of(new ProfileUpdate("deploy@web-1", "/nix/var/nix/profiles/app", APP, OptionalInt.empty(), 1)),
        Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofMillis(1500));
    FleetHostResult failed = new FleetHostResult(Target.parse("web-2:2222"), FleetHostResult.State.FAILED,
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of("Cannot connect to web-2:2222: connection refused"), Duration.ofMillis(10));
    FleetResult result = new FleetResult(List.of(done, failed), Optional.empty(), false, Duration.ofMillis(1510));

    String json = JsonReport.json("path", Direction.TO, APP, false, result, 1, List.of(Map.of("diff", "d")));

    assertThat(json).isEqualTo("""
        {
          "version": 1,
          "command": "path",
          "direction": "to",
          "storePath": "/nix/store/00000000000000000000000000000000-app-1.2",
          "dryRun": false,
          "ok": false,
          "exitCode": 1,
          "hosts": [
            {
              "host": "deploy@web-1",
              "ok": true,
              "state": "succeeded",
              "keys": null,
              "copy": {
                "paths": [
                  "/nix/store/00000000000000000000000000000000-app-1.2"
                ],
                "pathsCopied": 1,
                "bytes": 4096,
                "alreadyPresent": 2,
                "seconds": 0.42
              },
              "profile": {
                "profile": "/nix/var/nix/profiles/app",
                "path": "/nix/store/00000000000000000000000000000000-app-1.2",
                "generationBefore": null,
                "generationAfter": 1
              },
              "activation": null,
              "rolledBackTo": null,
              "error": null,
              "seconds": 1.5,
              "diff": "d"
            },
            {
              "host": "web-2:2222",
              "ok": false,
              "state": "failed",
              "keys": null,
              "copy": null,
              "profile": null,
              "activation": null,
              "rolledBackTo": null,
              "error": "Cannot connect to web-2:2222: connection refused",
              "seconds": 0.01
            }
          ],
          "totals": {
            "hosts": 2,
            "succeeded": 1,
            "failed": 1,
            "rolledBack": 0,
            "skipped": 0,
            "cancelled": 0,
            "pathsCopied": 1,
            "bytesCopied": 4096
          },
          "stopReason": null,
          "cancelled": false,
          "seconds": 1.51
        }
        """);
  }
}
