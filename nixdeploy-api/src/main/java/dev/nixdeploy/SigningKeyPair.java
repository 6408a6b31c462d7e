package dev.nixdeploy;

import dev.nixdeploy.spi.SigningKeyProvider;
import java.nio.file.Path;
import javax.security.auth.Destroyable;

/**
 * An Ed25519 signing key in Nix's format: signs store paths so that a Nix store which trusts the
 * {@linkplain #publicKey() public key} (listed in its {@code trusted-public-keys}) accepts them from a
 * user who is not in its {@code trusted-users}.
 *
 * <p>Keys are byte-compatible with Nix: {@link #load} reads files written by
 * {@code nix-store --generate-binary-cache-key}, and {@link #store} writes files that
 * {@code nix store sign -k} and {@code secret-key-files} accept. Signatures are deterministic and equal,
 * byte for byte, to those Nix makes with the same key.
 *
 * <pre>{@code
 * SigningKeyPair key = SigningKeyPair.generate("deploy.example.org-1");
 * key.store(Path.of("/etc/nix-deploy/signing.sec"), Path.of("/etc/nix-deploy/signing.pub"));
 * System.out.println(key.publicKey()); // deploy.example.org-1:BASE64, for trusted-public-keys
 *
 * SigningKeyPair loaded = SigningKeyPair.load(Path.of("/etc/nix-deploy/signing.sec"));
 * PathInfo signed = info.withSignature(loaded.sign(info));
 * loaded.publicKey().verify(signed, signed.signatures().iterator().next());
 * loaded.destroy(); // wipe the secret once done
 * }</pre>
 *
 * <p>Security: the secret never leaves the object except through {@link #store}, which writes it with
 * mode {@code 0600}; there is no getter for it, {@link #toString()} shows only the name and public key,
 * and no exception message contains it. {@link #destroy()} overwrites the secret in memory; every later
 * use throws {@link IllegalStateException}. Implementations are thread-safe.
 *
 * <p>The implementation lives in {@code nixdeploy-core} and is found with {@link java.util.ServiceLoader}
 * through {@link SigningKeyProvider}.
 */
public interface SigningKeyPair extends Destroyable {

  /**
   * Makes a new key from a secure random seed.
   *
   * @param name the key name signatures carry, such as {@code deploy.example.org-1}: non-empty, no
   *     {@code ':'} and no white space. By convention a host name and a generation number.
   * @return the new key, in memory only until {@link #store} is called
   * @throws IllegalArgumentException if {@code name} is not a valid key name
   * @throws NixDeployException if {@code nixdeploy-core} is not on the class path
   */
  static SigningKeyPair generate(String name) {
    return Providers.load(SigningKeyProvider.class).generate(name);
  }

  /**
   * Reads a secret key file in Nix's format, {@code NAME:BASE64} of 64 bytes (seed then public key).
   * White space around the text, such as a trailing newline, is ignored.
   *
   * @param secretKeyFile the file, which must not be readable or writable by group or others
   * @return the key
   * @throws SigningKeyException if the file cannot be read, has group or other permissions (the message
   *     says to {@code chmod 600} it), or is malformed (the message says how, without the secret)
   * @throws NixDeployException if {@code nixdeploy-core} is not on the class path
   */
  static SigningKeyPair load(Path secretKeyFile) {
    return Providers.load(SigningKeyProvider.class).load(secretKeyFile);
  }

  /**
   * Parses Nix's secret key text, {@code NAME:BASE64} of 64 bytes (seed then public key), for a key
   * that comes from somewhere else than a file (a secret store, an environment variable). Pass a
   * {@link java.nio.CharBuffer} or {@link StringBuilder} to be able to wipe the text afterwards.
   *
   * @param secretKeyText the text; surrounding white space is ignored
   * @return the key
   * @throws IllegalArgumentException if the text is malformed; the message says how, without the secret
   * @throws NixDeployException if {@code nixdeploy-core} is not on the class path
   */
  static SigningKeyPair parse(CharSequence secretKeyText) {
    return Providers.load(SigningKeyProvider.class).parse(secretKeyText);
  }

  /** @return the key name, which every signature made with this key carries */
  String name();

  /** @return the public key, to list in a store's {@code trusted-public-keys} */
  PublicKey publicKey();

  /**
   * Signs a store path's {@linkplain PathInfo#fingerprint() fingerprint}. Ed25519 is deterministic: the
   * same key and path info always give the same signature, the one Nix would make.
   *
   * @param info the path info to sign (its existing signatures are ignored)
   * @return the signature, named after this key; add it with {@link PathInfo#withSignature}
   * @throws IllegalStateException if this key was destroyed
   */
  Signature sign(PathInfo info);

  /**
   * Writes the key to files in Nix's format: the secret key (mode {@code 0600}) and the public key
   * ({@code 0644}), without a trailing newline, exactly as {@code nix-store --generate-binary-cache-key}
   * does. Each file is written to a temporary file in the same directory and moved into place
   * atomically, replacing any existing file; missing parent directories are created ({@code 0700} for
   * the secret's). This is the only way the secret leaves the object.
   *
   * @param secretKeyFile where to write the secret key
   * @param publicKeyFile where to write the public key
   * @throws SigningKeyException if a file cannot be written (the message names the file)
   * @throws IllegalStateException if this key was destroyed
   */
  void store(Path secretKeyFile, Path publicKeyFile);

  /**
   * Overwrites the secret held by this object with zeros. Afterwards {@link #sign} and {@link #store}
   * throw {@link IllegalStateException}; {@link #name()}, {@link #publicKey()} and {@link #toString()}
   * still work. Calling it again does nothing. Copies the JVM or a caller made elsewhere (for example
   * the {@code String} given to {@link #parse}) are out of its reach.
   */
  @Override
  void destroy();

  /** @return whether {@link #destroy()} was called */
  @Override
  boolean isDestroyed();

  /**
   * @return {@code SigningKeyPair{NAME:PUBLICBASE64}}, never the secret
   */
  @Override
  String toString();
}
