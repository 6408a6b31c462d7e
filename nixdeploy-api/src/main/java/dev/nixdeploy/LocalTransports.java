package dev.nixdeploy;

/**
 * How a {@link Deployer} reaches this machine's Nix store, the sending side of
 * {@link Deployer#deployTo} and the receiving side of {@link Deployer#deployFrom}. The default,
 * {@code nixdeploy-core}'s, runs local subprocesses ({@code nix-store --serve}, {@code uname}, ...); give
 * another one to {@link Deployer.Builder#localTransports(LocalTransports)}, e.g. an in-memory Nix host of
 * {@code nixdeploy-testing}, to unit-test code that deploys without a local Nix.
 *
 * <p>Called once per deployment, and again where an activation of a pulled system needs a new
 * connection; every call returns a new transport, which its caller closes. Thread-safe.
 */
@FunctionalInterface
public interface LocalTransports {
  /** @return a new transport to this machine; {@link Transport#host()} is {@code local} by convention */
  Transport open();
}
