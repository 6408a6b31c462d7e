package dev.nixdeploy.internal.serve;

import dev.nixdeploy.PathInfo;
import dev.nixdeploy.Signature;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Function;

/** An Ed25519 key made with the JDK, signing path fingerprints as Nix does. */
final class TestSigner implements Function<PathInfo, Signature> {
  private final String name;
  private final KeyPair pair;

  TestSigner(String name) {
    this.name = name;
    try {
      this.pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Signature apply(PathInfo info) {
    try {
      java.security.Signature s = java.security.Signature.getInstance("Ed25519");
      s.initSign(pair.getPrivate());
      s.update(info.fingerprintBytes());
      return Signature.of(name, s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean verifies(PathInfo info, Signature signature) {
    try {
      java.security.Signature s = java.security.Signature.getInstance("Ed25519");
      s.initVerify(pair.getPublic());
      s.update(info.fingerprintBytes());
      return signature.keyName().equals(name) && s.verify(signature.bytes());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String name() {
    return name;
  }

  /** @return {@code NAME:BASE64} of the raw 32-byte public key, as nix.conf lists trusted keys */
  String publicKeyText() {
    byte[] x509 = pair.getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    return name + ":" + Base64.getEncoder().encodeToString(raw);
  }
}
