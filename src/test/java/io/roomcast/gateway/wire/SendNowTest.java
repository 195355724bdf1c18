package io.roomcast.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledUnsafeDirectByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.roomcast.protocol.TextFrame;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The order and ownership rules of {@link SendNow} on a channel whose "socket" is a stand-in that records what it is
 * given (or takes part of it, or fails): what goes past Netty, what goes through it, and in which order. The real
 * socket path is covered by {@code SendNowIT} and every protocol test, which run on the epoll transport.
 */
class SendNowTest {
  private final List<String> sent = new ArrayList<>();
  /** How many bytes the stand-in socket takes per send; negative: it fails. */
  private int takes = Integer.MAX_VALUE;
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final SendNow out;

  SendNowTest() {
    channel.pipeline().addLast("encoder", new ChannelOutboundHandlerAdapter());
    ChannelHandlerContext encoder = channel.pipeline().context("encoder");
    out = SendNow.install(channel, encoder, frame -> {
      if (takes < 0) {
        throw new IOException("Connection reset by peer");
      }
      int n = Math.min(takes, frame.readableBytes());
      sent.add(frame.toString(frame.readerIndex(), n, StandardCharsets.UTF_8));
      return n;
    });
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private static ByteBuf pooled(String text) {
    return PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  private List<String> throughNetty() {
    List<String> got = new ArrayList<>();
    for (Object m; (m = channel.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) m;
      got.add(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    return got;
  }

  @Test
  @DisplayName("a batch's only frame goes to the socket itself, and a frame for one connection is released after")
  void onlyFrameSentDirectly() {
    ByteBuf reply = pooled("a");
    out.write(reply);
    out.flush();
    assertThat(sent).containsExactly("a");
    assertThat(throughNetty()).isEmpty();
    assertThat(reply.refCnt()).isZero();

    ByteBuf shared = TextFrame.shared(Buffer.buffer("event"));
    out.writeShared(shared);
    out.flush();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).endsWith("event");
  }

  @Test
  @DisplayName("an event's frame shared by its recipients stays whole for the next one, however each of them sent it")
  void sharedFrameStaysWhole() {
    ByteBuf shared = TextFrame.shared(Buffer.buffer("event"));
    int size = shared.readableBytes();

    out.writeShared(shared);   // sent directly
    out.flush();
    out.writeShared(shared);   // the batch's second frame: both through Netty
    out.writeShared(shared);
    out.flush();
    takes = 3;                 // a full socket: the rest through Netty
    out.writeShared(shared);
    out.flush();
    takes = -1;                // a failed send
    out.writeShared(shared);
    out.flush();
    out.writeShared(shared);   // held when the channel goes away
    channel.close();

    String whole = shared.toString(StandardCharsets.UTF_8);
    assertThat(sent).containsExactly(whole, whole.substring(0, 3));
    assertThat(throughNetty()).containsExactly(whole, whole, whole.substring(3), whole);
    assertThat(shared.readerIndex()).isZero();
    assertThat(shared.readableBytes()).isEqualTo(size);
  }

  @Test
  @DisplayName("a shared frame sent directly costs its recipient no duplicate; one that goes through Netty gets one")
  void noDuplicatePerRecipient() {
    int[] duplicates = {0};
    ByteBuf counting = new UnpooledUnsafeDirectByteBuf(UnpooledByteBufAllocator.DEFAULT, 16, 16) {
      @Override
      public ByteBuf duplicate() {
        duplicates[0]++;
        return super.duplicate();
      }
    }.writeBytes("event".getBytes(StandardCharsets.UTF_8));
    ByteBuf shared = Unpooled.unreleasableBuffer(counting);   // as TextFrame.shared makes it

    for (int i = 0; i < 3; i++) {
      out.writeShared(shared);
      out.flush();
    }
    assertThat(sent).containsExactly("event", "event", "event");
    assertThat(duplicates[0]).isZero();

    out.writeShared(shared);
    out.writeShared(shared);
    out.flush();
    assertThat(throughNetty()).containsExactly("event", "event");
    assertThat(duplicates[0]).isEqualTo(2);
    counting.release();
  }

  @Test
  @DisplayName("two frames in one batch both go through Netty, in order (one write for both)")
  void twoFramesInABatch() {
    out.write(pooled("a"));
    out.write(pooled("b"));
    out.flush();
    assertThat(sent).isEmpty();
    assertThat(throughNetty()).containsExactly("a", "b");
  }

  @Test
  @DisplayName("Vert.x's own writes (a pong, a close frame) go after the frame held for the batch")
  void otherWritersGoAfterTheHeldFrame() {
    out.write(pooled("a"));
    channel.writeAndFlush(Unpooled.copiedBuffer("pong", StandardCharsets.UTF_8));
    out.flush();
    assertThat(sent).isEmpty();
    assertThat(throughNetty()).containsExactly("a", "pong");

    out.write(pooled("b"));
    channel.writeAndFlush(Unpooled.copiedBuffer("close frame", StandardCharsets.UTF_8));
    channel.close();
    out.flush();
    assertThat(sent).isEmpty();
    assertThat(throughNetty()).containsExactly("b", "close frame");
  }

  @Test
  @DisplayName("nothing passes a frame already waiting in the channel")
  void pendingWritesKeepTheirPlace() {
    channel.write(Unpooled.copiedBuffer("waiting", StandardCharsets.UTF_8));
    out.write(pooled("a"));
    out.flush();
    assertThat(sent).isEmpty();
    assertThat(throughNetty()).containsExactly("waiting", "a");
  }

  @Test
  @DisplayName("what a full socket did not take is left to Netty, from where the socket stopped")
  void fullSocket() {
    takes = 3;
    out.write(pooled("abcdefgh"));
    out.flush();
    assertThat(sent).containsExactly("abc");
    assertThat(throughNetty()).containsExactly("defgh");
  }

  @Test
  @DisplayName("a failed send leaves the whole frame to Netty, which handles the broken connection as usual")
  void failedSend() {
    takes = -1;
    out.write(pooled("abc"));
    out.flush();
    assertThat(throughNetty()).containsExactly("abc");
  }

  @Test
  @DisplayName("a frame held when the channel closes or goes away is released, not leaked")
  void heldFrameReleasedOnClose() {
    ByteBuf a = pooled("a");
    out.write(a);
    channel.close();
    assertThat(a.refCnt()).isZero();
    assertThat(sent).isEmpty();

    EmbeddedChannel other = new EmbeddedChannel();
    other.pipeline().addLast("encoder", new ChannelOutboundHandlerAdapter());
    SendNow out2 = SendNow.install(other, other.pipeline().context("encoder"), f -> f.readableBytes());
    ByteBuf b = pooled("b");
    out2.write(b);
    other.pipeline().remove("roomcast-send-now");
    assertThat(b.refCnt()).isZero();
    other.finishAndReleaseAll();
  }
}
