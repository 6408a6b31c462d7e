package dev.nixdeploy.examples

import dev.nixdeploy.Deployer
import dev.nixdeploy.FleetHostResult.State
import dev.nixdeploy.FleetListener
import dev.nixdeploy.StorePath
import dev.nixdeploy.testing.FakeNixHost
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test

/**
 * [KotlinFleetDeploy] against in-memory Nix hosts: the real deployer, no SSH, no Nix, no root. As root,
 * unsigned, so without the key exchange (the sandbox ITs cover that).
 */
class KotlinFleetDeployTest {
    private val laptop = FakeNixHost.builder("local").user("ci").build()
    private val web1 = FakeNixHost.builder("root@web-1").build()
    private val web2 = FakeNixHost.builder("root@web-2").build()
    private val app: StorePath = laptop.addPath("web-app-1.0", "app", laptop.addPath("libfoo-2", "lib"))

    private fun deployer() = Deployer.builder()
        .transports(FakeNixHost.network(web1, web2))
        .localTransports(laptop)
        .noSign()
        .build()

    @Test
    fun `every host gets the closure and the profile, each step is reported`() {
        val steps = java.util.concurrent.ConcurrentLinkedQueue<String>()

        val report = KotlinFleetDeploy(deployer()).deployApp(listOf("root@web-1", "root@web-2"), app,
            profile = "web-app", exchangeKeys = false) { host, step -> steps += "$host ${step.name}" }

        assertThat(report.ok).isTrue()
        assertThat(report.hosts.map { it.pathsSent }).containsExactly(2, 2)
        assertThat(web1.profile("/nix/var/nix/profiles/web-app")).contains(app)
        assertThat(web2.profile("/nix/var/nix/profiles/web-app")).contains(app)
        assertThat(steps).contains("root@web-1 ${FleetListener.Step.COPYING}",
            "root@web-2 ${FleetListener.Step.PROFILE}")
    }

    @Test
    fun `after max failures no further host is started`() {
        web1.dropConnectionAfterPaths(0)

        val report = KotlinFleetDeploy(deployer()).deployApp(listOf("root@web-1", "root@web-2"), app,
            profile = "web-app", parallelism = 1, maxFailures = 1, exchangeKeys = false)

        assertThat(report.ok).isFalse()
        assertThat(report.hosts.map { it.state }).containsExactly(State.FAILED, State.SKIPPED)
        assertThat(report.stopReason).contains("max failures 1")
        assertThat(web2.received()).isEmpty()
    }
}
