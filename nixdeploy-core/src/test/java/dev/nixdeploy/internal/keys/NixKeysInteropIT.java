package dev.nixdeploy.internal.keys;

import static dev.nixdeploy.internal.keys.LocalNix.NIX_COMMAND;
import static dev.nixdeploy.internal.keys.LocalNix.NIX_COMMAND_VALUE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.PathInfo;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.Signature;
import dev.nixdeploy.SigningKeyPair;
import dev.nixdeploy.StorePath;
import dev.nixdeploy.sandbox.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys and signatures against the local machine's real Nix (2.8, run as root on the local store), both
 * ways: a key Nix generated signs in Java and Nix verifies it; a key Java generated signs in Nix, and
 * Nix's signature equals Java's byte for byte.
 */
class NixKeysInteropIT {
  private static StorePath lib; // no references: its fingerprint ends in ';'
  private static StorePath app; // references lib
  private static String seed;

  @TempDir Path dir;

  @BeforeAll
  static void buildPaths() {
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    seed = HexFormat.of().formatHex(random);
    String libExpr = "builtins.derivation { name = \"keys-it-lib-" + seed + "\";"
        + " system = builtins.currentSystem; builder = \"/bin/sh\";"
        + " args = [\"-c\" \"echo " + seed + " > $out\"]; }";
    lib = LocalNix.build(libExpr);
    app = LocalNix.build("let lib = " + libExpr + "; in builtins.derivation { name = \"keys-it-app-" + seed
        + "\"; system = builtins.currentSystem; builder = \"/bin/sh\";"
        + " args = [\"-c\" \"echo ${lib} > $out\"]; }");
    assertThat(LocalNix.pathInfo(app).references()).containsExactly(lib);
  }

  @Test
  void aKeyNixGeneratedSignsInJavaAndNixVerifiesTheSignature() throws IOException {
    Path sec = dir.resolve("nix.sec");
    Path pub = dir.resolve("nix.pub");
    String name = "nix-made-" + seed;
    LocalNix.run("nix-store", "--generate-binary-cache-key", name, sec.toString(), pub.toString());

    SigningKeyPair key = SigningKeyPair.load(sec);
    assertThat(key.publicKey()).isEqualTo(PublicKey.parse(Files.readString(pub)));
    PathInfo info = LocalNix.pathInfo(app);
    Signature javaSig = key.sign(info);

    // Put Java's signature into a file:// binary cache holding the path, and let Nix check it there.
    Path cache = dir.resolve("cache");
    String store = "file://" + cache + "?compression=none";
    LocalNix.run("nix", NIX_COMMAND, NIX_COMMAND_VALUE, "copy", "--to", store, app.path());
    Path narinfo = cache.resolve(app.hashPart() + ".narinfo");
    // Drop signatures the path already carries (another test may have signed it with another key).
    String unsigned = Files.readString(narinfo).lines().filter(l -> !l.startsWith("Sig:"))
        .collect(Collectors.joining("\n", "", "\n"));
    Files.writeString(narinfo, unsigned);
    assertThat(verify(store, key.publicKey(), app).exitCode()).as("unsigned in the cache").isNotZero();
    Files.writeString(narinfo, unsigned + "Sig: " + javaSig + "\n");
    assertThat(Files.readString(narinfo)).containsOnlyOnce("Sig:");
    assertThat(verify(store, key.publicKey(), app).exitCode()).as("Nix accepts Java's signature").isZero();

    // Control: a signature with one bit flipped is rejected, so the check above is real.
    byte[] bad = javaSig.bytes();
    bad[0] ^= 1;
    Files.writeString(narinfo, unsigned + "Sig: " + Signature.of(name, bad) + "\n");
    ExecResult rejected = verify(store, key.publicKey(), app);
    assertThat(rejected.exitCode()).isNotZero();
    assertThat(rejected.stderr()).contains("path '" + app + "' is untrusted");

    // And Nix, signing with its own key, makes exactly the signature Java made.
    LocalNix.run("nix", NIX_COMMAND, NIX_COMMAND_VALUE, "store", "sign", "-k", sec.toString(), app.path());
    assertThat(LocalNix.signatures(app)).contains(javaSig);
  }

  @Test
  void aKeyJavaGeneratedSignsInNixExactlyAsInJava() throws IOException {
    SigningKeyPair key = SigningKeyPair.generate("java-made-" + seed);
    Path sec = dir.resolve("keys/java.sec");
    Path pub = dir.resolve("keys/java.pub");
    key.store(sec, pub);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sec))).isEqualTo("rw-------");

    // Before signing, Nix does not trust the paths with this key (they are only "ultimate").
    assertThat(verify(null, key.publicKey(), lib).exitCode()).isNotZero();

    LocalNix.run("nix", NIX_COMMAND, NIX_COMMAND_VALUE, "store", "sign", "-k", sec.toString(),
        lib.path(), app.path());

    for (StorePath path : new StorePath[] {lib, app}) {
      PathInfo info = LocalNix.pathInfo(path);
      Signature nixSig = LocalNix.signatures(path).stream()
          .filter(s -> s.keyName().equals(key.name())).findFirst().orElseThrow();
      assertThat(nixSig).as("Nix's signature of %s", path).isEqualTo(key.sign(info));
      assertThat(key.publicKey().verifies(info, nixSig)).isTrue();
      assertThat(verify(null, PublicKey.parse(Files.readString(pub)), path).exitCode())
          .as("nix store verify with the Java public key").isZero();
    }
    assertThat(LocalNix.pathInfo(lib).fingerprint()).endsWith(";");

    // Control: another key's public half does not make Nix trust the paths.
    assertThat(verify(null, SigningKeyPair.generate(key.name()).publicKey(), app).exitCode()).isNotZero();
  }

  private static ExecResult verify(String store, PublicKey trusted, StorePath path) {
    return store == null
        ? LocalNix.exec("nix", NIX_COMMAND, NIX_COMMAND_VALUE, "store", "verify", "--sigs-needed", "1",
            "--trusted-public-keys", trusted.toString(), path.path())
        : LocalNix.exec("nix", NIX_COMMAND, NIX_COMMAND_VALUE, "store", "verify", "--store", store,
            "--sigs-needed", "1", "--trusted-public-keys", trusted.toString(), path.path());
  }
}
