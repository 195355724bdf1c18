package io.roomcast.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable {@link BusMessage} records by reference: one object for every consumer, no copy and no
 * serialisation. That is what keeps the fan-out at one encoding per node: a {@link RoomEvent}'s bytes reach every
 * gateway instance as the same buffer. The bus is local only, so the wire methods are never used.
 */
public final class LocalCodec implements MessageCodec<BusMessage, BusMessage> {
  public static final String NAME = "roomcast-local";

  /** Registers the codec once per Vertx instance (later calls do nothing). */
  public static void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    synchronized (LocalCodec.class) {
      try {
        bus.registerCodec(new LocalCodec());
      } catch (IllegalStateException alreadyRegistered) {
        return;
      }
      bus.codecSelector(body -> body instanceof BusMessage ? NAME : null);
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, BusMessage message) {
    throw new UnsupportedOperationException("roomcast bus messages are local only");
  }

  @Override
  public BusMessage decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("roomcast bus messages are local only");
  }

  @Override
  public BusMessage transform(BusMessage message) {
    return message;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
