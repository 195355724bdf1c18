package io.roomcast.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * A server-to-client WebSocket text frame on the wire (RFC 6455: FIN, opcode 1, unmasked, the payload's length, the
 * payload), built once from an event's UTF-8 JSON so that every recipient is sent the very same bytes: no encoding,
 * framing or copying per recipient.
 */
public final class TextFrame {
  private TextFrame() {}

  /** The complete frame carrying {@code utf8} as its payload. */
  public static byte[] of(Buffer utf8) {
    int n = utf8.length();
    int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
    byte[] frame = new byte[header + n];
    frame[0] = (byte) 0x81;
    if (n < 126) {
      frame[1] = (byte) n;
    } else if (n < 65536) {
      frame[1] = 126;
      frame[2] = (byte) (n >>> 8);
      frame[3] = (byte) n;
    } else {
      frame[1] = 127;
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
      }
    }
    utf8.getBytes(0, n, frame, header);
    return frame;
  }

  /** The payload of a frame built by {@link #of} (for tests and logs). */
  public static String payload(byte[] frame) {
    int len = frame[1] & 0x7f;
    int header = len < 126 ? 2 : len == 126 ? 4 : 10;
    return new String(frame, header, frame.length - header, java.nio.charset.StandardCharsets.UTF_8);
  }
}
