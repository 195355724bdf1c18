package io.roomcast.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends bytes as they are to a port and returns what comes back: for requests no well-behaved client would send. */
public final class RawHttp {
  private RawHttp() {}

  /** Writes {@code request} and reads the answer until the server closes or stays silent for 3 s. */
  public static String exchange(int port, String request) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(3000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) != -1; ) {
          out.write(buf, 0, n);
        }
      } catch (SocketTimeoutException silent) {
        // the connection stays open: what arrived is the answer
      } catch (IOException reset) {
        // closed with a reset after answering
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The status code of an HTTP answer, or -1 when there was none. */
  public static int status(String answer) {
    return answer.startsWith("HTTP/1.") && answer.length() >= 12 ? Integer.parseInt(answer.substring(9, 12)) : -1;
  }
}
