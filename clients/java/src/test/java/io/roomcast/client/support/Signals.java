package io.roomcast.client.support;

import java.io.IOException;
import java.io.UncheckedIOException;

/** POSIX signals to a process (freeze with STOP, thaw with CONT). */
public final class Signals {
  private Signals() {}

  public static void send(String signal, long pid) {
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
