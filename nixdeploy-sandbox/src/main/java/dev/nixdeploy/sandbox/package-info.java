/**
 * Test fixtures for nix-deploy: throwaway Nix hosts on this machine, reachable over ssh
 * ({@link dev.nixdeploy.sandbox.SandboxHosts}, or {@link dev.nixdeploy.sandbox.SandboxTest} in JUnit 5),
 * and small closures and fake NixOS systems to deploy to them
 * ({@link dev.nixdeploy.sandbox.SampleClosures}). Nothing here is {@code null} unless it is marked
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.nixdeploy.sandbox;

import org.jspecify.annotations.NullMarked;
