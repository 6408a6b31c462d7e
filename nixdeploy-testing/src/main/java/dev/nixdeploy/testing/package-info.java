/**
 * Test fixtures for nix-deploy: throwaway Nix hosts on this machine, reachable over ssh
 * ({@link dev.nixdeploy.testing.SandboxHosts}, or {@link dev.nixdeploy.testing.SandboxTest} in JUnit 5),
 * and small closures and fake NixOS systems to deploy to them
 * ({@link dev.nixdeploy.testing.SampleClosures}). Nothing here is {@code null} unless it is marked
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.nixdeploy.testing;

import org.jspecify.annotations.NullMarked;
