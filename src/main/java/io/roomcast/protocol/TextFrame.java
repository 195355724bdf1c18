package io.roomcast.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A server-to-client WebSocket text frame on the wire (RFC 6455: FIN, opcode 1, unmasked, the payload's length, the
 * payload).
 *
 * <p>An event's frame ({@link #shared}) is built once per node and sent to every recipient as it is: it lives in
 * direct memory (the socket reads it without a copy), and it cannot be released: a recipient whose frame goes through
 * Netty gets a {@link ByteBuf#duplicate()} of it (its own read position over the same bytes; no reference counting, no
 * atomic operation), the direct send reads it in place, and the garbage collector frees it when the last one is gone.
 * A reply for one connection ({@link #pooled}) is built in the connection's pooled allocator and released by the
 * channel once written.
 */
public final class TextFrame {
  private TextFrame() {}

  /** An event's frame, shared by all its recipients: never move its read position; write duplicates of it. */
  public static ByteBuf shared(Buffer utf8) {
    int n = utf8.length();
    ByteBuffer memory = ByteBuffer.allocateDirect(headerLength(n) + n);
    ByteBuf frame = Unpooled.wrappedBuffer(memory).clear();
    writeHeader(frame, n);
    frame.writeBytes(utf8.getBytes());
    return Unpooled.unreleasableBuffer(frame);
  }

  /** A frame for one connection, from its channel's allocator; the channel releases it when written. */
  public static ByteBuf pooled(Buffer utf8, ByteBufAllocator alloc) {
    int n = utf8.length();
    ByteBuf frame = alloc.directBuffer(headerLength(n) + n);
    writeHeader(frame, n);
    frame.writeBytes(utf8.getBytes());
    return frame;
  }

  private static int headerLength(int n) {
    return n < 126 ? 2 : n < 65536 ? 4 : 10;
  }

  private static void writeHeader(ByteBuf frame, int n) {
    frame.writeByte(0x81);
    if (n < 126) {
      frame.writeByte(n);
    } else if (n < 65536) {
      frame.writeByte(126).writeShort(n);
    } else {
      frame.writeByte(127).writeLong(n);
    }
  }

  /** The payload of a frame (for tests and logs). */
  public static String payload(ByteBuf frame) {
    int len = frame.getByte(frame.readerIndex() + 1) & 0x7f;
    int header = headerLength(len < 126 ? len : len == 126 ? 126 : 65536);
    return frame.toString(frame.readerIndex() + header, frame.readableBytes() - header, StandardCharsets.UTF_8);
  }
}
