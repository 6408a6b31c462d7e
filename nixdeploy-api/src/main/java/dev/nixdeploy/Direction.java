package dev.nixdeploy;

/** Which way a deployment moves store paths, as the command line's {@code --to} and {@code --from}. */
public enum Direction {
  /** From the local store to the remote host ({@code --to}). */
  TO,
  /** From the remote host to the local store ({@code --from}). */
  FROM
}
