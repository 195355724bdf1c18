package io.roomcast.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** What the kernel says about this machine's TCP sockets (Linux {@code /proc/net/tcp} and {@code tcp6}). */
public final class Sockets {
  /** The state column's value for ESTABLISHED. */
  private static final String ESTABLISHED = "01";

  private Sockets() {}

  /**
   * How many ESTABLISHED sockets have {@code localPort} as their own port and one of {@code remotePorts} as their
   * peer's: on a server's port, its side of the connections from those clients.
   */
  public static int established(int localPort, Set<Integer> remotePorts) {
    int n = 0;
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      try {
        for (String line : Files.readAllLines(file)) {
          String[] f = line.trim().split("\\s+");
          // sl local_address rem_address st ...; addresses are HEXIP:HEXPORT
          if (f.length < 4 || !f[1].contains(":") || f[0].equals("sl")) {
            continue;
          }
          int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
          int remote = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16);
          if (local == localPort && remotePorts.contains(remote) && f[3].equals(ESTABLISHED)) {
            n++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (!Files.exists(Path.of("/proc/net/tcp"))) {
      throw new IllegalStateException("no /proc/net/tcp: the socket tests need Linux");
    }
    return n;
  }
}
