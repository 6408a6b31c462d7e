package dev.nixdeploy.cli;

import dev.nixdeploy.SigningKeyPair;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nix-deploy keys generate}: a new key pair, written as Nix writes it. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
        "Generate an Ed25519 signing key in Nix's format.",
        "%nAs nix-store --generate-binary-cache-key does. The secret key file gets mode 0600, the public"
            + " key file 0644. Prints the public key, which targets list in extra-trusted-public-keys."})
final class KeysGenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--name", required = true, paramLabel = "NAME",
      description = "Key name signatures carry, e.g. deploy.example.org-1.")
  String name;

  @Option(names = "--secret-key", required = true, paramLabel = "FILE", description = "Secret key file to write.")
  Path secretKey;

  @Option(names = "--public-key", required = true, paramLabel = "FILE", description = "Public key file to write.")
  Path publicKey;

  @Option(names = "--force", description = "Replace an existing secret key file (the key in it is lost).")
  boolean force;

  @Override
  public Integer call() {
    if (secretKey.toAbsolutePath().normalize().equals(publicKey.toAbsolutePath().normalize())) {
      throw new InvalidInputException("--secret-key and --public-key are the same file: " + secretKey);
    }
    if (!force && Files.exists(secretKey, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException("secret key file " + secretKey + " already exists; pass --force to"
          + " replace it (the key in it will be lost)");
    }
    SigningKeyPair key;
    try {
      key = SigningKeyPair.generate(name);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("--name: " + e.getMessage(), e);
    }
    try {
      key.store(secretKey, publicKey);
      spec.commandLine().getOut().println(key.publicKey());
      spec.commandLine().getOut().flush();
    } finally {
      key.destroy();
    }
    return 0;
  }
}
