package dev.nixdeploy.cli;

import dev.nixdeploy.SigningKeyException;
import dev.nixdeploy.SigningKeyPair;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nix-deploy keys public}: the public half of a secret key file. */
@Command(
    name = "public",
    mixinStandardHelpOptions = true,
    description = "Print the public key (NAME:BASE64) of a secret key file, for trusted-public-keys.")
final class KeysPublicCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--secret-key", required = true, paramLabel = "FILE",
      description = "Secret key file (Nix's format, mode 0600 or stricter).")
  Path secretKey;

  @Override
  public Integer call() {
    if (!Files.exists(secretKey, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException("--secret-key " + secretKey + " does not exist; create one with"
          + " nix-deploy keys generate or nix-store --generate-binary-cache-key");
    }
    SigningKeyPair key;
    try {
      key = SigningKeyPair.load(secretKey);
    } catch (SigningKeyException e) {
      // The file is the input: unreadable, readable by others, or not a key.
      throw new InvalidInputException(e.getMessage(), e);
    }
    try {
      spec.commandLine().getOut().println(key.publicKey());
      spec.commandLine().getOut().flush();
    } finally {
      key.destroy();
    }
    return 0;
  }
}
