package dev.nixdeploy.examples

import dev.nixdeploy.ActivationException
import dev.nixdeploy.ActivationMode
import dev.nixdeploy.ActivationResult
import dev.nixdeploy.DeployListener
import dev.nixdeploy.Deployer
import dev.nixdeploy.HostKeyException
import dev.nixdeploy.NixDeployException
import dev.nixdeploy.PathInfo
import dev.nixdeploy.StorePath

/**
 * [DeployService] as a Kotlin program writes it: the outcome is a sealed type instead of an exception, so
 * the caller's `when` must handle every case, and progress is a function.
 *
 * ```kotlin
 * val service = KotlinDeployService(Deployer.builder().build())
 * when (val outcome = service.deploySystem("admin@web-1", system) { println(it) }) {
 *     is Deployed -> println("generation ${outcome.generation}")
 *     is RolledBack -> println("back on ${outcome.restored}")
 *     is Unreachable -> if (outcome.retryable) retry() else fail(outcome.reason)
 *     is Failed -> fail(outcome.reason)
 * }
 * ```
 *
 * Tested by `KotlinDeployServiceTest` against the in-memory Nix hosts of `nixdeploy-testing`.
 */
class KotlinDeployService(private val deployer: Deployer) {
    /** How a deployment ended. */
    sealed interface Outcome {
        val host: String
    }

    /** Activated; [generation] is the system profile's new generation, if the action set one. */
    data class Deployed(override val host: String, val pathsSent: Int, val generation: Int?) : Outcome

    /** The new system failed or cut us off; the host is back on [restored] (null if none was known). */
    data class RolledBack(override val host: String, val reason: String, val restored: StorePath?) : Outcome

    /** The host could not be reached or the connection dropped; [retryable] if deploying again may work. */
    data class Unreachable(override val host: String, val reason: String, val retryable: Boolean) : Outcome

    /** Anything else. */
    data class Failed(override val host: String, val reason: String, val cause: NixDeployException) : Outcome

    /**
     * Exchanges keys, copies [system]'s closure to [target] and activates it with [mode], telling [progress]
     * a line per step (on the calling thread).
     */
    fun deploySystem(
        target: String,
        system: StorePath,
        mode: ActivationMode = ActivationMode.SWITCH,
        progress: (String) -> Unit = {},
    ): Outcome =
        try {
            val result = deployer.deployTo(target)
                .listener(progressListener(progress))
                .ensureKeys()
                .copy(system)
                .activate(mode)
            val generation = result.activation().orElseThrow().generationAfter()
            Deployed(target, result.copy().map { it.pathsSent() }.orElse(0),
                if (generation.isPresent) generation.asInt else null)
        } catch (e: HostKeyException) {
            Unreachable(e.host(), "host key ${e.fingerprint()} is ${e.reason().name.lowercase()}", retryable = false)
        } catch (e: ActivationException) {
            val rollback = e.result().flatMap(ActivationResult::rollback).orElse(null)
            when {
                rollback != null -> RolledBack(e.host(), rollback.reason(), rollback.system().orElse(null))
                e.isConnectionLost -> Unreachable(e.host(), e.message.orEmpty(), retryable = true)
                else -> Failed(e.host(), e.message.orEmpty(), e)
            }
        } catch (e: NixDeployException) {
            val host = e.host() ?: target
            if (e.isConnectionLost) Unreachable(host, e.message.orEmpty(), retryable = true)
            else Failed(host, e.message.orEmpty(), e)
        }

    private fun progressListener(progress: (String) -> Unit) = object : DeployListener {
        override fun connected(host: String) = progress("connected to $host")

        override fun pathCopied(host: String, path: PathInfo) = progress("copied ${path.path().name()}")

        override fun activationStarted(host: String, system: StorePath, mode: ActivationMode) =
            progress("${mode.action()} ${system.name()} on $host")

        override fun rolledBack(host: String, rollback: ActivationResult.Rollback) =
            progress("$host rolled back: ${rollback.reason()}")
    }
}
