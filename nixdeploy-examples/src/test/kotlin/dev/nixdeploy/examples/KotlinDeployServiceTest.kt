package dev.nixdeploy.examples

import dev.nixdeploy.ActivationOptions
import dev.nixdeploy.Deployer
import dev.nixdeploy.StorePath
import dev.nixdeploy.examples.KotlinDeployService.Deployed
import dev.nixdeploy.examples.KotlinDeployService.RolledBack
import dev.nixdeploy.examples.KotlinDeployService.Unreachable
import dev.nixdeploy.testing.FakeNixHost
import dev.nixdeploy.testing.SwitchBehaviour
import java.nio.file.Path
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** [KotlinDeployService] against in-memory Nix hosts: the real deployer, no SSH, no Nix, no root. */
class KotlinDeployServiceTest {
    @TempDir
    lateinit var dir: Path

    private val laptop = FakeNixHost.builder("local").user("ci").build()
    private val web = FakeNixHost.builder("admin@web-1").build()
    private val system: StorePath = laptop.addSystem("nixos-system-web-1", laptop.addPath("nginx-1.26", "nginx"))

    private fun service() = KotlinDeployService(
        Deployer.builder()
            .transports(web)
            .localTransports(laptop)
            .signingKeyFile(dir.resolve("signing-key.sec"))
            .build(),
    )

    @Test
    fun `deploys and activates, reporting each step`() {
        val lines = mutableListOf<String>()

        val outcome = service().deploySystem("admin@web-1", system) { lines += it }

        assertThat(outcome).isEqualTo(Deployed("admin@web-1", pathsSent = 2, generation = 1))
        assertThat(web.profile(ActivationOptions.SYSTEM_PROFILE)).contains(system)
        assertThat(lines).containsExactly(
            "connected to admin@web-1",
            "copied nginx-1.26",
            "copied nixos-system-web-1",
            "switch nixos-system-web-1 on admin@web-1",
        )
    }

    @Test
    fun `a failed switch is a rollback to the previous system`() {
        val previous = laptop.addSystem("nixos-system-web-1-old")
        val service = service()
        service.deploySystem("admin@web-1", previous)
        web.whenSwitching(SwitchBehaviour.exit(1))

        val outcome = service.deploySystem("admin@web-1", system)

        assertThat(outcome).isInstanceOf(RolledBack::class.java)
        assertThat((outcome as RolledBack).restored).isEqualTo(previous)
        assertThat(web.currentSystem()).contains(previous)
    }

    @Test
    fun `a connection lost mid-copy is retryable`() {
        web.dropConnectionAfterPaths(0)

        val outcome = service().deploySystem("admin@web-1", system)

        assertThat(outcome).isInstanceOf(Unreachable::class.java)
        assertThat((outcome as Unreachable).retryable).isTrue()
        assertThat(web.received()).isEmpty()
        assertThat(service().deploySystem("admin@web-1", system)).isInstanceOf(Deployed::class.java)
    }

    @Test
    fun `a refused host key is not retried`() {
        web.changeHostKey()

        val outcome = service().deploySystem("admin@web-1", system)

        assertThat(outcome).isEqualTo(Unreachable("admin@web-1",
            "host key SHA256:fakeHostKeyOfweb1 is changed", retryable = false))
        assertThat(web.commands()).isEmpty()
    }
}
