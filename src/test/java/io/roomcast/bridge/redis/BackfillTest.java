package io.roomcast.bridge.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.bridge.RoomEvents;
import io.roomcast.bus.RoomEvent;
import io.roomcast.ops.Metrics;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.protocol.StoredMessage;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackfillTest {
  private final List<String> forwarded = new ArrayList<>();
  private final List<MessageId> replayedFrom = new ArrayList<>();
  private final Backfill backfill = new Backfill(new RoomEvents() {
    @Override
    public void toRoom(String room, RoomEvent event) {
      forwarded.add(event.messageId().toString());
    }

    @Override
    public void toAll(RoomEvent event) {}
  }, new Metrics(Metrics.newRegistry()), (room, from) -> {
    replayedFrom.add(from);
    return Future.succeededFuture(List.<StoredMessage>of());
  }, room -> true);

  private static RoomEvent message(String id) {
    return RoomEvent.message(MessageId.parse(id), ServerFrames.message("r",
        new StoredMessage(id, "u", "t", MessageId.parse(id).millis())));
  }

  @Test
  @DisplayName("pattern mode: the newest id read when a room got its first local member does not swallow that "
      + "message's own copy, still on its way through the subscription (the loss checker caught it)")
  void rememberedNewestIsStillForwarded() {
    backfill.remember("r", MessageId.parse("1000-3"));
    backfill.forward("r", message("1000-3"));
    backfill.forward("r", message("1000-4"));
    backfill.forward("r", message("1000-4"));
    assertThat(forwarded).containsExactly("1000-3", "1000-4");
  }

  @Test
  @DisplayName("a gap before anything was forwarded replays from just below the remembered newest id")
  void gapBeforeAnythingForwardedReplaysTheNewest() {
    backfill.remember("r", MessageId.parse("1000-0"));
    backfill.hold(List.of("r"));
    backfill.run(false);
    assertThat(replayedFrom).containsExactly(new MessageId(999, Long.MAX_VALUE));
    backfill.remember("q", MessageId.parse("1000-7"));
    backfill.forward("q", message("1000-9"));
    backfill.hold(List.of("q"));
    backfill.run(false);
    assertThat(replayedFrom).as("once something was forwarded, from there").endsWith(MessageId.parse("1000-9"));
  }

  @Test
  void before() {
    assertThat(Backfill.before(MessageId.parse("5-2"))).isEqualTo(MessageId.parse("5-1"));
    assertThat(Backfill.before(MessageId.parse("5-0"))).isEqualTo(new MessageId(4, Long.MAX_VALUE));
    assertThat(Backfill.before(MessageId.parse("0-0"))).isEqualTo(MessageId.parse("0-0"));
  }
}
