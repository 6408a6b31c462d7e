package dev.nixdeploy;

/** A signature does not verify: it was made by another key, or over other path info. */
public class InvalidSignatureException extends NixDeployException {
  private static final long serialVersionUID = 1L;

  private final StorePath path;
  private final String keyName;

  /**
   * @param path the store path whose signature failed
   * @param keyName the key name the signature carries
   * @param message what does not match
   */
  public InvalidSignatureException(StorePath path, String keyName, String message) {
    super(message);
    this.path = path;
    this.keyName = keyName;
  }

  /** @return the store path whose signature failed */
  public StorePath path() {
    return path;
  }

  /** @return the key name the signature carries */
  public String keyName() {
    return keyName;
  }
}
