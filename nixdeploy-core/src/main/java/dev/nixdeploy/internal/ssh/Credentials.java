package dev.nixdeploy.internal.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.UnixDomainSocketFactory;
import dev.nixdeploy.AuthenticationException;
import dev.nixdeploy.PassphraseSource;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Vector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the credentials of one session: identity files first (asking the {@link PassphraseSource} for
 * encrypted ones), then the ssh-agent. Records a description of each credential, for error messages.
 */
final class Credentials {
  private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);

  private final List<String> attempted = new ArrayList<>();
  private final IdentityRepository repository;

  private Credentials(IdentityRepository repository) {
    this.repository = repository;
  }

  /** @return what is offered to the server, in order */
  IdentityRepository repository() {
    return repository;
  }

  /** @return a description of every credential offered, e.g. {@code identity file /k (ssh-ed25519)} */
  List<String> attempted() {
    return List.copyOf(attempted);
  }

  static Credentials load(JSch jsch, ResolvedTarget target, Optional<PassphraseSource> passphrases) {
    List<String> attempted = new ArrayList<>();
    List<Path> files = target.identityFiles();
    for (int i = 0; i < files.size(); i++) {
      loadIdentity(jsch, target, files.get(i), i < target.explicitIdentityFiles(), passphrases, attempted);
    }
    List<IdentityRepository> repositories = new ArrayList<>();
    repositories.add(jsch.getIdentityRepository());
    target.agentSocket().ifPresent(socket -> {
      try {
        AgentIdentityRepository agent =
            new AgentIdentityRepository(new SSHAgentConnector(new UnixDomainSocketFactory(), socket));
        attempted.add("ssh-agent at " + socket + " (" + agent.getIdentities().size() + " keys)");
        repositories.add(agent);
      } catch (AgentProxyException | RuntimeException e) {
        LOG.warn("Cannot use the ssh-agent at {} for {}: {}", socket, target.display(), e.toString());
        attempted.add("ssh-agent at " + socket + " (unavailable: " + e.getMessage() + ")");
      }
    });
    Credentials c = new Credentials(new Composite(repositories));
    c.attempted.addAll(attempted);
    return c;
  }

  private static void loadIdentity(JSch jsch, ResolvedTarget target, Path file, boolean explicit,
      Optional<PassphraseSource> passphrases, List<String> attempted) {
    if (!Files.isRegularFile(file)) {
      if (explicit) {
        throw failure(target, attempted, "the identity file " + file + " does not exist or is not a file");
      }
      LOG.debug("Skipping missing identity file {} for {}", file, target.display());
      return;
    }
    KeyPair pair;
    try {
      pair = KeyPair.load(jsch, file.toString());
    } catch (JSchException e) {
      if (explicit) {
        throw failure(target, attempted, "the identity file " + file + " is not a private key JSch can read ("
            + e.getMessage() + "); use an ed25519, ecdsa or rsa key in OpenSSH or PEM format");
      }
      LOG.warn("Skipping unreadable identity file {} for {}: {}", file, target.display(), e.getMessage());
      attempted.add("identity file " + file + " (unreadable, skipped)");
      return;
    }
    String description = "identity file " + file + " (" + pair.getKeyTypeString() + ")";
    byte[] passphrase = null;
    try {
      if (pair.isEncrypted()) {
        if (passphrases.isEmpty()) {
          if (explicit) {
            // Said without API names: command-line users read this too.
            throw failure(target, attempted, "the identity file " + file + " is encrypted and nix-deploy has"
                + " no passphrase for it; load the key into ssh-agent first (ssh-add " + file + "), or, from"
                + " the library, set a passphrase source in the SSH settings");
          }
          LOG.info("Skipping encrypted identity file {} for {}: no passphrase source", file, target.display());
          attempted.add(description + " (encrypted, no passphrase source, skipped)");
          return;
        }
        passphrase = toBytes(passphrases.get().passphraseFor(file));
        if (!pair.decrypt(passphrase)) {
          throw failure(target, attempted, "the passphrase given for the identity file " + file
              + " does not unlock it");
        }
      }
      jsch.addIdentity(file.toString(), passphrase);
      attempted.add(description);
    } catch (JSchException e) {
      throw failure(target, attempted, "the identity file " + file + " cannot be used: " + e.getMessage());
    } finally {
      pair.dispose();
      if (passphrase != null) {
        Arrays.fill(passphrase, (byte) 0);
      }
    }
  }

  private static byte[] toBytes(char[] passphrase) {
    try {
      ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      Arrays.fill(b.array(), (byte) 0);
      return bytes;
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  private static AuthenticationException failure(ResolvedTarget t, List<String> attempted, String problem) {
    return new AuthenticationException(t.display(), t.user(), attempted,
        "Cannot log in to " + t.display() + " as " + t.user() + ": " + problem, null);
  }

  /** Offers the identities of several repositories in order. */
  private static final class Composite implements IdentityRepository {
    private final List<IdentityRepository> parts;

    Composite(List<IdentityRepository> parts) {
      this.parts = List.copyOf(parts);
    }

    @Override
    public String getName() {
      return "nix-deploy";
    }

    @Override
    public int getStatus() {
      return RUNNING;
    }

    @Override
    public Vector<Identity> getIdentities() {
      Vector<Identity> all = new Vector<>();
      for (IdentityRepository part : parts) {
        if (part.getStatus() != UNAVAILABLE) {
          all.addAll(part.getIdentities());
        }
      }
      return all;
    }

    @Override
    public boolean add(byte[] identity) {
      return false;
    }

    @Override
    public boolean remove(byte[] blob) {
      return false;
    }

    @Override
    public void removeAll() {
      // Identities belong to their repositories.
    }
  }
}
