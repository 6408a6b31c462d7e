package dev.nixdeploy.cli;

/** A flag's value or the input is wrong: exit code 2, one {@code error:} line and a hint. */
final class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidInputException(String message) {
    super(message);
  }

  /** @param cause what the library said, kept for the stack trace {@code -v} prints */
  InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
