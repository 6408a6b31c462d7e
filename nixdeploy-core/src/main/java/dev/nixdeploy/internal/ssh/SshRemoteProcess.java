package dev.nixdeploy.internal.ssh;

import com.jcraft.jsch.ChannelExec;
import dev.nixdeploy.Command;
import dev.nixdeploy.RemoteProcess;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.OptionalInt;

/** One command on one exec channel. Stream reads that fail because the session died throw {@code ConnectionLostException}. */
final class SshRemoteProcess implements RemoteProcess {
  private static final long POLL_MILLIS = 10;

  private final SshTransport transport;
  private final Command command;
  private final ChannelExec channel;
  private final OutputStream stdin;
  private final InputStream stdout;
  private final InputStream stderr;
  private volatile boolean closed;

  /** Takes the streams; the caller connects the channel afterwards. */
  SshRemoteProcess(SshTransport transport, Command command, ChannelExec channel) throws IOException {
    this.transport = transport;
    this.command = command;
    this.channel = channel;
    this.stdout = new LossAware(channel.getInputStream());
    this.stderr = new LossAware(channel.getErrStream());
    this.stdin = channel.getOutputStream();
  }

  @Override
  public OutputStream stdin() {
    return stdin;
  }

  @Override
  public InputStream stdout() {
    return stdout;
  }

  @Override
  public InputStream stderr() {
    return stderr;
  }

  @Override
  public OptionalInt waitFor(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    // JSch has no completion callback: poll the channel's state.
    while (!channel.isClosed()) {
      if (!transport.sessionAlive()) {
        throw transport.lost("running " + command);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return OptionalInt.empty();
      }
      Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, left / 1_000_000)));
    }
    int status = channel.getExitStatus();
    if (status < 0 && !transport.sessionAlive()) {
      throw transport.lost("running " + command);
    }
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  @Override
  public boolean isAlive() {
    return !closed && !channel.isClosed() && transport.sessionAlive();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!channel.isClosed() && transport.sessionAlive()) {
      try {
        // Best effort: OpenSSH refuses signals for root sessions. Either way the command's input ends and
        // its output breaks, which ends commands like nix-store --serve.
        channel.sendSignal("TERM");
      } catch (Exception e) {
        // The command may have ended meanwhile; closing the channel is what matters.
      }
    }
    channel.disconnect();
    transport.finished(this);
  }

  private final class LossAware extends FilterInputStream {
    LossAware(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw translate(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw translate(e);
      }
    }

    private IOException translate(IOException e) {
      if (!transport.sessionAlive() && !closed) {
        throw transport.lost("reading the output of " + command);
      }
      return e;
    }
  }
}
