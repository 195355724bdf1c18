package io.roomcast.gateway.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's writes that send a batch's only frame with one {@code send(2)} on the socket itself, skipping
 * Netty's pipeline, outbound buffer and flush, when nothing else waits to be sent on the channel. That is the common
 * case of a chat fan-out (one new message for each of many sockets) and it costs a quarter less CPU per delivery than
 * Netty's own write and flush ({@code docs/performance.md}).
 *
 * <p>How order is kept: a frame written while the channel has nothing pending is held back, and the batch's flush
 * sends it directly. Anything else that reaches the channel first goes after it: a second frame of the batch, a
 * frame written while something is pending, and Vert.x's own writes (pongs, pings, close frames), because a handler
 * at the socket end of the pipeline ({@link #guard}) hands the held frame to Netty before any write, flush or close
 * passes it. What the socket does not take at once (a full send buffer), and a send that fails, goes to Netty as
 * well, which finishes or fails it as it would have anyway. A frame still held when the channel goes away is released.
 *
 * <p>An event's frame shared by all its recipients is held as it is and sent from its bytes; only when it has to go
 * to Netty after all does it get a {@link ByteBuf#duplicate()} of its own (Netty moves a frame's read position). So
 * the direct send allocates nothing per recipient.
 *
 * <p>Only on Netty's native epoll transport and without TLS on the channel; anything else, or
 * {@code -Droomcast.sendNow=false}, keeps {@link WireSocket.Direct}. Everything runs on the channel's event loop.
 */
final class SendNow extends WireSocket.Direct {
  private static final Logger LOG = LoggerFactory.getLogger(SendNow.class);
  private static final Class<?> EPOLL_CHANNEL;
  private static final Field SOCKET;

  static {
    Class<?> type = null;
    Field field = null;
    if (Boolean.parseBoolean(System.getProperty("roomcast.sendNow", "true"))) {
      try {
        type = Class.forName("io.netty.channel.epoll.AbstractEpollChannel");
        field = type.getDeclaredField("socket");
        field.setAccessible(true);
        if (!io.netty.channel.unix.Socket.class.isAssignableFrom(field.getType())) {
          throw new NoSuchFieldException("socket is a " + field.getType().getName());
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        LOG.info("frames go through Netty's outbound buffer: cannot reach the epoll socket ({})", e.toString());
        type = null;
        field = null;
      }
    }
    EPOLL_CHANNEL = type;
    SOCKET = field;
  }

  /** Sends bytes on a channel's socket behind Netty's back. */
  interface Sender {
    /**
     * Sends as many of the frame's readable bytes as the socket takes now (0 when its buffer is full), without
     * moving the frame's reader index; throws when the connection is broken.
     */
    int send(ByteBuf frame) throws IOException;
  }

  /**
   * The sender of an epoll channel's socket, or null: another transport, Netty changed shape, or TLS on the channel
   * (bytes sent past the pipeline would skip the encryption; Roomcast's own listener has none, TLS ends at the
   * ingress, but an embedding server may add it).
   */
  static Sender senderOf(Channel channel) {
    if (SOCKET == null || !EPOLL_CHANNEL.isInstance(channel) || channel.pipeline().get(SslHandler.class) != null) {
      return null;
    }
    try {
      io.netty.channel.unix.Socket socket = (io.netty.channel.unix.Socket) SOCKET.get(channel);
      return frame -> socket.sendAddress(frame.memoryAddress(), frame.readerIndex(), frame.writerIndex());
    } catch (IllegalAccessException | RuntimeException e) {
      return null;
    }
  }

  /** Puts the guard into the channel's pipeline and returns the connection's writer. */
  static SendNow install(Channel channel, ChannelHandlerContext encoder, Sender sender) {
    SendNow out = new SendNow(channel, encoder, sender);
    channel.pipeline().addFirst("roomcast-send-now", out.guard);
    return out;
  }

  private final Sender sender;
  /** The batch's frame not yet handed to Netty: sent by {@link #flush} unless something else reaches the channel. */
  private ByteBuf held;
  /** {@code held} is an event's shared frame: never moved nor released here, and duplicated for Netty. */
  private boolean heldShared;
  final ChannelOutboundHandlerAdapter guard = new ChannelOutboundHandlerAdapter() {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      handOver(ctx);
      ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      handOver(ctx);
      ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      handOver(ctx);
      ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      if (held != null) {
        drop();
      }
    }

    private void handOver(ChannelHandlerContext ctx) {
      if (held != null) {
        ctx.write(take(), noPromise);
      }
    }
  };

  SendNow(Channel channel, ChannelHandlerContext encoder, Sender sender) {
    super(channel, encoder);
    this.sender = sender;
  }

  @Override
  public void write(ByteBuf frame) {
    if (!hold(frame, false)) {
      super.write(frame);   // through the guard, which hands the held frame over first
    }
  }

  @Override
  public void writeShared(ByteBuf shared) {
    if (!hold(shared, true)) {
      super.write(shared.duplicate());
    }
  }

  private boolean hold(ByteBuf frame, boolean shared) {
    if (held == null && frame.hasMemoryAddress() && nothingPending()) {
      held = frame;
      heldShared = shared;
      return true;
    }
    return false;
  }

  /** The held frame, now the caller's to write or release: a shared frame's own duplicate. */
  private ByteBuf take() {
    ByteBuf frame = heldShared ? held.duplicate() : held;
    held = null;
    return frame;
  }

  /** Done with the held frame: released, unless it is shared (the garbage collector frees it). */
  private void drop() {
    if (!heldShared) {
      held.release();
    }
    held = null;
  }

  @Override
  public void flush() {
    if (held != null) {
      if (nothingPending() && channel.isActive()) {
        int sent = 0;
        try {
          sent = sender.send(held);
          if (sent == held.readableBytes()) {
            drop();
            return;
          }
        } catch (IOException e) {
          // Netty meets the same error when it writes the frame, and handles it as it always does
        }
        super.write(take().skipBytes(sent));
      } else {
        super.write(take());
      }
    }
    super.flush();
  }

  private boolean nothingPending() {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer != null && buffer.totalPendingWriteBytes() == 0;
  }
}
