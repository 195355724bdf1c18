package io.roomcast.gateway.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.http.impl.websocket.WebSocketFrameImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a connection's text frames, already framed ({@link io.roomcast.protocol.TextFrame}), straight into its Netty
 * channel, below Vert.x's frame encoder and write queue: no frame object, encoding, copy, promise or flush per write.
 * The gateway flushes each socket once per batch of writes ({@link #flush}). Vert.x still owns the socket: it reads,
 * answers pings and closes; since everything here runs on the socket's own event loop, writes keep their order.
 *
 * <p>It also removes the HTTP idle-timeout handler from an upgraded connection, which would otherwise attach a
 * listener to every write: sessions detect dead connections themselves with pings ({@code idleTimeoutSeconds}).
 *
 * <p>On Netty's native epoll transport a batch's single frame skips even Netty's outbound buffer ({@link SendNow}).
 *
 * <p>When the channel is not laid out as expected (another Vert.x version), it falls back to Vert.x's own write path.
 */
public abstract class WireSocket {
  private static final Logger LOG = LoggerFactory.getLogger(WireSocket.class);
  private static volatile boolean fallbackLogged;

  /** Writes one complete frame (unflushed); the channel releases it once written. */
  public abstract void write(ByteBuf frame);

  /**
   * Writes an event's frame shared by all its recipients ({@link io.roomcast.protocol.TextFrame#shared}), which
   * stays untouched: what the channel needs of it is a {@link ByteBuf#duplicate()} (its own read position).
   */
  public void writeShared(ByteBuf shared) {
    write(shared.duplicate());
  }

  /** The allocator of the socket's channel, for frames built for this connection only. */
  public abstract ByteBufAllocator alloc();

  /** Sends what was written since the last flush. */
  public abstract void flush();

  /** False while more than the write queue's bound waits to be sent. */
  public abstract boolean writable();

  /**
   * Ends the TCP connection now with a reset: what the client has not read is discarded, at once, instead of the
   * kernel holding it (and retrying) for a peer that may never read it.
   */
  public abstract void abort();

  static void reset(Channel channel) {
    if (channel.isOpen()) {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
      // sent from the pipeline's first handler, the close reaches the socket at once: passing Vert.x's handler, it
      // would wait for the very close handshake this ends
      ChannelHandlerContext first = channel.pipeline().firstContext();
      if (first != null) {
        first.close();
      } else {
        channel.close();
      }
    }
  }

  /** The channel of an upgrade request's connection, taken before the upgrade (after it, Vert.x hides it). */
  public static Channel channelOf(HttpServerRequest req) {
    try {
      return ((HttpServerConnection) req.connection()).channelHandlerContext().channel();
    } catch (RuntimeException e) {
      return null;
    }
  }

  public static WireSocket of(Channel channel, ServerWebSocket ws) {
    ChannelHandlerContext encoder = channel == null ? null : channel.pipeline().context(WebSocketFrameEncoder.class);
    if (encoder == null) {
      if (!fallbackLogged) {
        fallbackLogged = true;
        LOG.warn("WebSocket channels are not laid out as expected: writing through Vert.x's frame encoder (slower)");
      }
      return new Fallback(ws, channel);
    }
    IdleStateHandler idle = channel.pipeline().get(IdleStateHandler.class);
    if (idle != null) {
      channel.pipeline().remove(idle);
    }
    DirectWriteQueue.install(channel);
    SendNow.Sender sender = SendNow.senderOf(channel);
    return sender == null ? new Direct(channel, encoder) : SendNow.install(channel, encoder, sender);
  }

  static class Direct extends WireSocket {
    final Channel channel;
    private final ChannelHandlerContext encoder;
    /** For every write here: a write that fails (the channel closed) raises no exception in the pipeline. */
    final ChannelPromise noPromise;

    Direct(Channel channel, ChannelHandlerContext encoder) {
      this.channel = channel;
      this.encoder = encoder;
      this.noPromise = new VoidChannelPromise(channel, false);
    }

    @Override
    public void write(ByteBuf frame) {
      // written from the encoder's context, the bytes pass the handlers before it (towards the socket) only
      encoder.write(frame, noPromise);
    }

    @Override
    public ByteBufAllocator alloc() {
      return channel.alloc();
    }

    @Override
    public void flush() {
      encoder.flush();
    }

    @Override
    public boolean writable() {
      return channel.isWritable();
    }

    @Override
    public void abort() {
      reset(channel);
    }
  }

  private static final class Fallback extends WireSocket {
    private final ServerWebSocket ws;
    /** The connection's channel when it could be taken, else null. */
    private final Channel channel;

    Fallback(ServerWebSocket ws, Channel channel) {
      this.ws = ws;
      this.channel = channel;
    }

    @Override
    public void write(ByteBuf frame) {
      int len = frame.getByte(frame.readerIndex() + 1) & 0x7f;
      int header = len < 126 ? 2 : len == 126 ? 4 : 10;
      ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT,
          Unpooled.copiedBuffer(frame.slice(frame.readerIndex() + header, frame.readableBytes() - header)), true));
      frame.release();
    }

    @Override
    public ByteBufAllocator alloc() {
      return ByteBufAllocator.DEFAULT;
    }

    @Override
    public void flush() {
      // Vert.x flushes its own writes
    }

    @Override
    public boolean writable() {
      return !ws.writeQueueFull();
    }

    @Override
    public void abort() {
      if (channel != null) {
        reset(channel);
      } else {
        ws.close();   // without the channel no reset is possible: Vert.x's own close is all there is
      }
    }
  }
}
