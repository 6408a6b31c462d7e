package dev.nixdeploy.internal.keys;

import com.google.crypto.tink.subtle.Ed25519Sign;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.PublicKey;
import dev.nixdeploy.Signature;
import dev.nixdeploy.SigningKeyPair;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Nix signing key backed by Tink's raw Ed25519. Holds only the 32-byte seed (wiped by
 * {@link #destroy()}); a Tink signer is made from a copy of it for each signature and dropped, so no
 * long-lived secret object exists beside the seed.
 */
final class TinkSigningKeyPair implements SigningKeyPair {
  private final String name;
  private final PublicKey publicKey;
  private final byte[] seed;
  private boolean destroyed; // guarded by this

  private TinkSigningKeyPair(String name, PublicKey publicKey, byte[] seed) {
    this.name = name;
    this.publicKey = publicKey;
    this.seed = seed;
  }

  static TinkSigningKeyPair generate(String name) {
    Objects.requireNonNull(name, "name");
    Ed25519Sign.KeyPair pair;
    try {
      pair = Ed25519Sign.KeyPair.newKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink could not generate an Ed25519 key", e);
    }
    PublicKey publicKey = PublicKey.of(name, pair.getPublicKey());
    byte[] tinkSeed = pair.getPrivateKey();
    byte[] seed = tinkSeed.clone();
    SecretKeyText.wipe(tinkSeed);
    return new TinkSigningKeyPair(name, publicKey, seed);
  }

  /**
   * @param secretKey the 64 bytes of a Nix secret key, seed then public key (copied, not modified)
   * @throws IllegalArgumentException if the public half is not the one the seed gives
   */
  static TinkSigningKeyPair fromSecretKey(String name, byte[] secretKey) {
    byte[] seed = Arrays.copyOf(secretKey, SecretKeyText.SEED_SIZE);
    byte[] derived = publicKeyOf(seed);
    byte[] stored = Arrays.copyOfRange(secretKey, SecretKeyText.SEED_SIZE, SecretKeyText.SECRET_SIZE);
    if (!MessageDigest.isEqual(derived, stored)) {
      SecretKeyText.wipe(seed);
      throw SecretKeyText.malformed("its public half does not match its seed; the key is corrupt or was"
          + " put together from two different keys");
    }
    return new TinkSigningKeyPair(name, PublicKey.of(name, derived), seed);
  }

  private static byte[] publicKeyOf(byte[] seed) {
    try {
      Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPairFromSeed(seed);
      SecretKeyText.wipe(pair.getPrivateKey());
      return pair.getPublicKey();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink could not derive an Ed25519 public key", e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public Signature sign(PathInfo info) {
    Objects.requireNonNull(info, "info");
    return Signature.of(name, signMessage(info.fingerprintBytes()));
  }

  /** Raw Ed25519 signature of any message; package-private for the RFC 8032 test vectors. */
  byte[] signMessage(byte[] message) {
    byte[] copy = seedCopy("sign");
    try {
      // Raw Ed25519: Tink's keyset templates would prefix the signature with 5 bytes.
      return new Ed25519Sign(copy).sign(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink could not make an Ed25519 signature", e);
    } finally {
      SecretKeyText.wipe(copy);
    }
  }

  @Override
  public void store(Path secretKeyFile, Path publicKeyFile) {
    Objects.requireNonNull(secretKeyFile, "secretKeyFile");
    Objects.requireNonNull(publicKeyFile, "publicKeyFile");
    byte[] seedCopy = seedCopy("be stored");
    byte[] secret = new byte[SecretKeyText.SECRET_SIZE];
    byte[] text = null;
    try {
      System.arraycopy(seedCopy, 0, secret, 0, SecretKeyText.SEED_SIZE);
      System.arraycopy(publicKey.bytes(), 0, secret, SecretKeyText.SEED_SIZE, PublicKey.SIZE);
      text = SecretKeyText.format(name, secret);
      KeyFiles.writeSecret(secretKeyFile, text);
    } finally {
      SecretKeyText.wipe(seedCopy);
      SecretKeyText.wipe(secret);
      if (text != null) {
        SecretKeyText.wipe(text);
      }
    }
    KeyFiles.writePublic(publicKeyFile, publicKey.toString());
  }

  private synchronized byte[] seedCopy(String action) {
    if (destroyed) {
      throw new IllegalStateException("Signing key '" + name + "' was destroyed and can no longer "
          + action + "; load it again");
    }
    return seed.clone();
  }

  @Override
  public synchronized void destroy() {
    SecretKeyText.wipe(seed);
    destroyed = true;
  }

  @Override
  public synchronized boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "SigningKeyPair{" + publicKey + "}";
  }
}
