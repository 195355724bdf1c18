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
  /** Each read of a stream: its first id, and "+" when that id is included. */
  private final List<String> replayedFrom = new ArrayList<>();
  private final Backfill backfill = new Backfill(new RoomEvents() {
    @Override
    public void toRoom(String room, RoomEvent event) {
      forwarded.add(event.messageId().toString());
    }

    @Override
    public void toAll(RoomEvent event) {}
  }, new Metrics(Metrics.newRegistry()), (room, from, inclusive) -> {
    replayedFrom.add(from + (inclusive ? "+" : ""));
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
  @DisplayName("a gap before anything was forwarded replays from the remembered newest id, that id included")
  void gapBeforeAnythingForwardedReplaysTheNewest() {
    backfill.remember("r", MessageId.parse("1000-0"));
    backfill.hold(List.of("r"));
    backfill.run(false);
    assertThat(replayedFrom).containsExactly("1000-0+");
    backfill.remember("q", MessageId.parse("1000-7"));
    backfill.forward("q", message("1000-9"));
    backfill.hold(List.of("q"));
    backfill.run(false);
    assertThat(replayedFrom).as("once something was forwarded, after it").endsWith("1000-9");
  }

  @Test
  @DisplayName("a data loss resyncs every held room without reading a stream, even one that forwarded nothing")
  void dataLostResyncsEveryRoom() {
    List<String> resynced = new ArrayList<>();
    Backfill b = new Backfill(new RoomEvents() {
      @Override
      public void toRoom(String room, RoomEvent event) {
        resynced.add(room + ":" + event.kind());
      }

      @Override
      public void toAll(RoomEvent event) {}
    }, new Metrics(Metrics.newRegistry()), (room, from, inclusive) -> {
      replayedFrom.add(from.toString());
      return Future.succeededFuture(List.of());
    }, room -> true);
    b.remember("quiet", MessageId.parse("0-0"));
    b.remember("old", MessageId.parse("1000-3"));
    b.hold(List.of("quiet", "old"));
    assertThat(b.run(true)).isEqualTo(2);
    assertThat(resynced).containsExactlyInAnyOrder("quiet:RESYNC", "old:RESYNC");
    assertThat(replayedFrom).isEmpty();
  }
}
