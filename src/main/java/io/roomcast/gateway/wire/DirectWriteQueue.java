package io.roomcast.gateway.wire;

import io.netty.channel.Channel;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an upgraded WebSocket connection the write queue Vert.x gives HTTP connections in strict thread mode: writes
 * go straight to the channel instead of through a multi-producer queue, whose empty buffer alone holds 4 KiB per
 * connection. A socket's writes all come from its own event loop here (the gateway's sessions, Vert.x's pongs and
 * close frames), which is exactly what strict thread mode assumes.
 *
 * <p>This is a workaround: Vert.x 5.1.6 applies {@code HttpServerOptions.setStrictThreadMode(true)} to HTTP/1.x
 * connections but not to the WebSocket connection an upgrade creates ({@code ServerWebSocketHandshaker} builds
 * {@code WebSocketConnectionImpl} without it). The fix belongs upstream ({@code docs/upstream/}); until it is released,
 * the queue is swapped by reflection. If Vert.x changes shape, nothing is swapped, one line is logged, and connections
 * keep Vert.x's own queue (more memory, same behaviour).
 */
final class DirectWriteQueue {
  private static final Logger LOG = LoggerFactory.getLogger(DirectWriteQueue.class);
  private static final Field QUEUE;
  private static final Constructor<?> DIRECT;

  static {
    Field field = null;
    Constructor<?> direct = null;
    try {
      field = VertxConnection.class.getDeclaredField("outboundMessageQueue");
      field.setAccessible(true);
      Class<?> type = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue");
      direct = type.getDeclaredConstructor(VertxConnection.class);
      direct.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("WebSocket connections keep Vert.x's multi-producer write queue ({})", e.toString());
      field = null;
      direct = null;
    }
    QUEUE = field;
    DIRECT = direct;
  }

  private DirectWriteQueue() {}

  /** Swaps the write queue of the WebSocket connection on {@code channel}; returns whether it did. */
  static boolean install(Channel channel) {
    if (QUEUE == null || channel == null) {
      return false;
    }
    VertxHandler<?> handler = channel.pipeline().get(VertxHandler.class);
    VertxConnection conn = handler == null ? null : handler.getConnection();
    if (conn == null || !channel.eventLoop().inEventLoop()) {
      return false;
    }
    try {
      QUEUE.set(conn, DIRECT.newInstance(conn));
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** Whether the connection on {@code channel} writes directly (for tests). */
  static boolean installed(Channel channel) {
    VertxHandler<?> handler = channel.pipeline().get(VertxHandler.class);
    try {
      return QUEUE != null && handler != null
          && QUEUE.get(handler.getConnection()).getClass().getSimpleName().equals("DirectOutboundMessageQueue");
    } catch (IllegalAccessException e) {
      return false;
    }
  }
}
