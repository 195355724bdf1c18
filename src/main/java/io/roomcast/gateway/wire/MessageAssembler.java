package io.roomcast.gateway.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reassembles a connection's WebSocket frames into messages while enforcing the protocol's size limit itself.
 * Vert.x's own limits handle an oversized frame by dropping the TCP connection (the client sees 1006), so Vert.x is
 * given a higher hard limit and this class finds a message over {@code maxBytes} early, after which the session closes
 * with 1009 cleanly. Only the bytes of the message in progress are buffered, never more than {@code maxBytes}.
 */
public final class MessageAssembler {
  /** What a frame completed. */
  public sealed interface Result {}

  /** A whole text message. */
  public record Text(String text) implements Result {}

  /** A whole binary message (its content is not kept). */
  public record Binary() implements Result {}

  /** The message in progress went over the limit. */
  public record TooLarge() implements Result {}

  /** A whole text message that is not valid UTF-8 (RFC 6455: close with 1007). */
  public record InvalidText() implements Result {}

  /** Nothing complete yet (a fragment, or a control frame). */
  public record Partial() implements Result {}

  private static final Partial PARTIAL = new Partial();

  private final int maxBytes;
  private Buffer text;
  private boolean binary;
  private long size;

  public MessageAssembler(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  public Result accept(WebSocketFrame frame) {
    switch (frame.type()) {
      case TEXT -> {
        binary = false;
        size = 0;
        text = null;
        if (frame.isFinal()) {
          return frame.binaryData().length() > maxBytes ? new TooLarge() : text(frame.binaryData());
        }
        return append(frame);
      }
      case BINARY -> {
        binary = true;
        size = 0;
        text = null;
        return frame.isFinal() ? finish(frame) : append(frame);
      }
      case CONTINUATION -> {
        return frame.isFinal() ? finish(frame) : append(frame);
      }
      default -> {
        return PARTIAL;
      }
    }
  }

  /** Decodes strictly: invalid UTF-8 is refused instead of being turned into replacement characters. */
  private static Result text(Buffer utf8) {
    try {
      return new Text(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8.getBytes())).toString());
    } catch (CharacterCodingException e) {
      return new InvalidText();
    }
  }

  private Result append(WebSocketFrame frame) {
    Buffer data = frame.binaryData();
    size += data.length();
    if (size > maxBytes) {
      text = null;
      return new TooLarge();
    }
    if (!binary) {
      if (text == null) {
        text = Buffer.buffer((int) Math.min(maxBytes, Math.max(256, size * 2)));
      }
      text.appendBuffer(data);
    }
    return PARTIAL;
  }

  private Result finish(WebSocketFrame frame) {
    Result r = append(frame);
    if (r instanceof TooLarge) {
      return r;
    }
    if (binary) {
      return new Binary();
    }
    Buffer whole = text == null ? Buffer.buffer() : text;
    text = null;
    size = 0;
    return text(whole);
  }
}
