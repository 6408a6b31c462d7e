package dev.nixdeploy.examples

import dev.nixdeploy.BinaryCache
import dev.nixdeploy.Deployer
import dev.nixdeploy.FleetHostResult
import dev.nixdeploy.FleetListener
import dev.nixdeploy.StorePath
import dev.nixdeploy.Target

/**
 * Puts one application closure on many hosts at once and points a profile at it, as a Kotlin program
 * writes it: the options are default arguments, progress is a function, and the outcome is a data class
 * per host that a `when` over [FleetHostResult.State] reads.
 *
 * ```kotlin
 * val report = KotlinFleetDeploy(Deployer.builder().build()).deployApp(
 *     listOf("deploy@web-1", "deploy@web-2", "deploy@web-3"), app, profile = "web-app",
 *     maxFailures = 1, cache = BinaryCache.at("https://cache.example.org").uploadTo("s3://example-cache"),
 * ) { host, step -> println("$host: ${step.name.lowercase()}") }
 * report.hosts.filter { !it.ok }.forEach { println("${it.host}: ${it.error}") }
 * ```
 *
 * Tested by `KotlinFleetDeployTest` against the in-memory Nix hosts of `nixdeploy-testing`; the guide
 * is docs/fleets.md.
 */
class KotlinFleetDeploy(private val deployer: Deployer) {
    /** How one host ended; [pathsSent] counts what it lacked and got. */
    data class HostOutcome(
        val host: String,
        val state: FleetHostResult.State,
        val pathsSent: Int,
        val error: String?,
    ) {
        val ok: Boolean get() = state == FleetHostResult.State.SUCCEEDED
    }

    /** Every host's outcome, in the order given, and why the fleet stopped early, if it did. */
    data class Report(val hosts: List<HostOutcome>, val stopReason: String?) {
        val ok: Boolean get() = hosts.all { it.ok }
    }

    /**
     * Exchanges keys with every host of [targets] (unless [exchangeKeys] is false: the hosts trust the
     * key already, or the deployer copies unsigned as root), copies [app]'s closure to each (through
     * [cache] if given, else one NAR stream fanned out over ssh), and points the profile [profile] at it;
     * at most [parallelism] hosts at once, no further host after [maxFailures] failures (if given).
     * [progress] hears each host's steps, from several threads at once.
     */
    fun deployApp(
        targets: List<String>,
        app: StorePath,
        profile: String,
        parallelism: Int = 8,
        maxFailures: Int? = null,
        cache: BinaryCache? = null,
        exchangeKeys: Boolean = true,
        progress: (host: String, step: FleetListener.Step) -> Unit = { _, _ -> },
    ): Report {
        var fleet = deployer.fleetOf(targets)
        if (exchangeKeys) fleet = fleet.ensureKeys()
        fleet = fleet
            .copy(app)
            .profile(profile)
            .parallelism(parallelism)
            .listener(object : FleetListener {
                override fun hostStep(host: Target, step: FleetListener.Step) = progress(host.toString(), step)
            })
        if (maxFailures != null) fleet = fleet.maxFailures(maxFailures)
        if (cache != null) fleet = fleet.viaCache(cache)
        val result = fleet.deploy()
        return Report(
            result.hosts().map { h ->
                HostOutcome(h.host().toString(), h.state(), h.copy().map { it.pathsSent() }.orElse(0),
                    h.error().orElse(null))
            },
            result.stopReason().orElse(null),
        )
    }
}
