package io.roomcast.gateway;

import io.netty.buffer.ByteBuf;
import io.roomcast.bus.RoomEvent;
import io.roomcast.gateway.wire.WireSocket;
import io.roomcast.protocol.CloseCode;
import io.roomcast.protocol.TextFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * The output half of a session: what waits for the client, the socket's write queue and its direct write path
 * ({@link WireSocket}), and the flush once per batch ({@link FlushBatch}). What to do when the client does not read
 * is the session's decision: {@link #offer} only says what happened. Used from the session's event loop only.
 */
final class SessionOutput {
  /** What became of a frame {@linkplain #offer offered}. */
  enum Offer {
    WRITTEN,
    /** A typing event, dropped while the client's queue is full. */
    DROPPED,
    /** More than the bound waits for the client: the frame was not written. */
    OVERFLOW
  }

  private final ServerWebSocket ws;
  private final WireSocket out;
  private final FlushBatch batch;
  /** Written to since the last flush: the batch flushes it at its end. */
  private boolean unflushed;
  /** Bytes written while the outbound queue was full; reset when it drains. */
  private long overflow;
  private boolean ended;

  SessionOutput(ServerWebSocket ws, WireSocket out, FlushBatch batch) {
    this.ws = ws;
    this.out = out;
    this.batch = batch;
  }

  /** Whether frames can still be written: the session has not ended and the socket is not closed. */
  boolean open() {
    return !ended && !ws.isClosed();
  }

  /** The queue counts as full at half of {@code maxPendingBytes}; what is written beyond that counts as overflow. */
  void bound(int maxPendingBytes) {
    if (open()) {
      ws.setWriteQueueMaxSize(maxPendingBytes / 2);
    }
  }

  /**
   * The one way out to the socket, for events and replies alike: everything counts toward the bound on what may wait
   * for a client. The socket's queue counts as full at half of {@code maxPendingBytes}; what is written while it is
   * full adds up in the overflow, and past the other half the frame is refused ({@link Offer#OVERFLOW}). Typing
   * events ({@code kind} TYPING) are dropped instead while the queue is full; {@code kind} is null for a reply, which
   * is this connection's own frame (released here when not written), and an event's frame ({@code kind} not null) is
   * shared by all its recipients.
   */
  Offer offer(ByteBuf frame, RoomEvent.Kind kind, int maxPendingBytes) {
    // frames written in this batch wait unflushed and count too: flush them first, then ask whether the client reads
    if (!out.writable() && unflushed) {
      out.flush();
    }
    if (out.writable()) {
      overflow = 0;
    } else {
      if (kind == RoomEvent.Kind.TYPING) {
        return Offer.DROPPED;   // the shared frame stays with its other recipients
      }
      overflow += frame.readableBytes();
      if (overflow > maxPendingBytes / 2) {
        if (kind == null) {
          frame.release();
        }
        return Offer.OVERFLOW;
      }
    }
    if (kind == null) {
      out.write(frame);
    } else {
      out.writeShared(frame);
    }
    if (!unflushed) {
      unflushed = true;
      batch.flushLater(this);
    }
    return Offer.WRITTEN;
  }

  /** Offers a reply, a frame for this connection only. */
  Offer reply(Buffer frame, int maxPendingBytes) {
    return offer(TextFrame.pooled(frame, out.alloc()), null, maxPendingBytes);
  }

  /** Sends what was written in this batch (called by the batch, once per batch). */
  void flush() {
    unflushed = false;
    if (!ended) {
      out.flush();
    }
  }

  void ping() {
    ws.writePing(Buffer.buffer());
  }

  /** Starts the close handshake, unless the socket is closed already. */
  void close(CloseCode code) {
    if (open()) {
      ws.close(code.code(), code.reason());
    }
  }

  /** Ends the TCP connection now with a reset ({@link WireSocket#abort}). */
  void abort() {
    out.abort();
  }

  /** The socket closed: nothing is written or flushed any more. */
  void end() {
    ended = true;
  }
}
