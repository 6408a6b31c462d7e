package dev.nixdeploy.internal.ssh;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges JSch's logger of one session to SLF4J (logger {@code dev.nixdeploy.internal.ssh.jsch}), each line
 * prefixed with the host. JSch's chatty INFO goes to DEBUG.
 */
final class JschSlf4jLogger implements com.jcraft.jsch.Logger {
  private static final Logger LOG = LoggerFactory.getLogger("dev.nixdeploy.internal.ssh.jsch");

  private final String prefix;

  JschSlf4jLogger(String host) {
    this.prefix = "[" + host + "] ";
  }

  @Override
  public boolean isEnabled(int level) {
    switch (level) {
      case DEBUG:
      case INFO:
        return LOG.isDebugEnabled();
      case WARN:
        return LOG.isWarnEnabled();
      default:
        return LOG.isErrorEnabled();
    }
  }

  @Override
  public void log(int level, String message) {
    log(level, message, null);
  }

  @Override
  public void log(int level, String message, Throwable cause) {
    switch (level) {
      case DEBUG:
      case INFO:
        LOG.debug("{}{}", prefix, message, cause);
        break;
      case WARN:
        LOG.warn("{}{}", prefix, message, cause);
        break;
      default:
        LOG.error("{}{}", prefix, message, cause);
    }
  }
}
