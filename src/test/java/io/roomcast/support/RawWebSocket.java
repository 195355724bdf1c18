package io.roomcast.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket done by hand on a plain socket: for peers no library would be (one that never answers a ping, one that
 * sends frames breaking RFC 6455). Blocking; call from the test thread.
 */
public final class RawWebSocket implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  /** Completes the handshake as {@code user}; reads nothing after the 101. */
  public static RawWebSocket connect(int port, String user) {
    return connect(port, user, 0);
  }

  /**
   * Completes the handshake as {@code user} with a socket receive buffer of {@code receiveBuffer} bytes (0: the
   * system's), so that a peer that stops reading holds up the server's writes soon; reads nothing after the 101.
   */
  public static RawWebSocket connect(int port, String user, int receiveBuffer) {
    return connectTo(port, "/ws?user=" + user, receiveBuffer);
  }

  /** Completes the handshake for {@code uri} (a token in the query, say), as {@link #connect(int, String, int)}. */
  public static RawWebSocket connectTo(int port, String uri, int receiveBuffer) {
    try {
      Socket s = new Socket();
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
      s.setSoTimeout(15_000);
      s.getOutputStream().write(("GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      RawWebSocket ws = new RawWebSocket(s);
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = ws.in.read();
        assertThat(b).as("handshake response").isNotEqualTo(-1);
        head.append((char) b);
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 101");
      return ws;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends one frame whose first byte is {@code firstByte} (FIN, RSV bits, opcode) carrying {@code payload}, masked as
   * a client must, or unmasked when {@code masked} is false.
   */
  public void sendFrame(int firstByte, String payload, boolean masked) {
    byte[] data = payload.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(firstByte);
    int maskBit = masked ? 0x80 : 0;
    if (data.length < 126) {
      frame.write(maskBit | data.length);
    } else if (data.length < 65536) {
      frame.write(maskBit | 126);
      frame.write(data.length >> 8);
      frame.write(data.length & 0xff);
    } else {
      frame.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) (((long) data.length >> shift) & 0xff));
      }
    }
    byte[] mask = {1, 2, 3, 4};
    if (masked) {
      frame.write(mask, 0, 4);
    }
    for (int i = 0; i < data.length; i++) {
      frame.write(masked ? data[i] ^ mask[i % 4] : data[i]);
    }
    try {
      socket.getOutputStream().write(frame.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads frames (text, pings, ...) until the server's close frame and returns its status code; -1 for a close frame
   * without one, "dropped" cases (the connection ends without a close frame) return 1006.
   */
  public int awaitClose() {
    try {
      while (true) {
        int b0 = in.read();
        if (b0 == -1) {
          return 1006;
        }
        int len = in.read() & 0x7f;
        if (len == 126) {
          len = (in.read() << 8) | in.read();
        } else if (len == 127) {
          long l = 0;
          for (int i = 0; i < 8; i++) {
            l = (l << 8) | in.read();
          }
          len = (int) l;
        }
        byte[] body = in.readNBytes(len);
        if ((b0 & 0x0f) == 0x8) {
          return body.length >= 2 ? ((body[0] & 0xff) << 8 | (body[1] & 0xff)) : -1;
        }
      }
    } catch (IOException e) {
      return 1006;
    }
  }

  /** Sends only the header of a masked frame announcing {@code length} payload bytes, and none of them. */
  public void sendHeaderOnly(int firstByte, long length) {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.write(firstByte);
    header.write(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      header.write((int) ((length >> shift) & 0xff));
    }
    header.write(new byte[] {1, 2, 3, 4}, 0, 4);
    try {
      socket.getOutputStream().write(header.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port of this end of the connection. */
  public int localPort() {
    return socket.getLocalPort();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
