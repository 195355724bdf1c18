package io.roomcast.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.websocket.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A final text frame over already-encoded UTF-8 bytes. Vert.x's public API only builds text frames from a String,
 * which would re-encode the JSON for every recipient; this wraps a read-only slice of the shared bytes instead, so a
 * fan-out writes the very same bytes to each socket.
 */
final class TextFrames {
  private TextFrames() {}

  static WebSocketFrame of(Buffer utf8Json) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8Json).getByteBuf(), true);
  }
}
