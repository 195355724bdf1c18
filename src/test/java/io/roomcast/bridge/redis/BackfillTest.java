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
    backfill.heardFrom("r", MessageId.parse("1000-3"));
    backfill.forward("r", message("1000-3"));
    backfill.forward("r", message("1000-4"));
    backfill.forward("r", message("1000-4"));
    assertThat(forwarded).containsExactly("1000-3", "1000-4");
  }

  @Test
  @DisplayName("a gap before anything was forwarded replays from the remembered newest id, that id included")
  void gapBeforeAnythingForwardedReplaysTheNewest() {
    backfill.heardFrom("r", MessageId.parse("1000-0"));
    backfill.holdLive(List.of("r"));
    backfill.afterSync(false);
    assertThat(replayedFrom).containsExactly("1000-0+");
    backfill.heardFrom("q", MessageId.parse("1000-7"));
    backfill.forward("q", message("1000-9"));
    backfill.holdLive(List.of("q"));
    backfill.afterSync(false);
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
    b.heardFrom("quiet", MessageId.parse("0-0"));
    b.heardFrom("old", MessageId.parse("1000-3"));
    b.holdLive(List.of("quiet", "old"));
    assertThat(b.afterSync(true)).isEqualTo(2);
    assertThat(resynced).containsExactlyInAnyOrder("quiet:RESYNC", "old:RESYNC");
    assertThat(replayedFrom).isEmpty();
  }

  /**
   * A Backfill over a stream that holds {@code stored} (ids), recording what it forwards (message ids, and RESYNC),
   * with reads completed by the test ({@link #reads}).
   */
  private static final class OverStream {
    final List<String> out = new ArrayList<>();
    final List<io.vertx.core.Promise<List<StoredMessage>>> reads = new ArrayList<>();
    final List<String> readFrom = new ArrayList<>();
    final List<String> stored;
    final Backfill backfill;

    OverStream(List<String> stored) {
      this.stored = stored;
      this.backfill = new Backfill(new RoomEvents() {
        @Override
        public void toRoom(String room, RoomEvent event) {
          out.add(event.kind() == RoomEvent.Kind.MESSAGE ? event.messageId().toString() : event.kind().toString());
        }

        @Override
        public void toAll(RoomEvent event) {}
      }, new Metrics(Metrics.newRegistry()), (room, from, inclusive) -> {
        readFrom.add(from.toString());
        io.vertx.core.Promise<List<StoredMessage>> p = io.vertx.core.Promise.promise();
        reads.add(p);
        return p.future();
      }, room -> true);
    }

    /** Completes the oldest pending read as the stream would answer it. */
    void answer() {
      io.vertx.core.Promise<List<StoredMessage>> p = reads.remove(0);
      MessageId from = MessageId.parse(readFrom.get(readFrom.size() - reads.size() - 1));
      if (!stored.contains(from.toString())) {
        p.complete(null);
        return;
      }
      p.complete(stored.stream().filter(id -> MessageId.parse(id).compareTo(from) >= 0)
          .map(id -> new StoredMessage(id, "u", "t", MessageId.parse(id).millis())).toList());
    }
  }

  @Test
  @DisplayName("a forged id just ahead of the real ones: the next real message, older, has the stream asked; it does "
      + "not hold the forged one, so the room resyncs and the real messages follow the resync, none skipped")
  void forgedNewerIdResyncs() {
    OverStream s = new OverStream(List.of("1000-0", "1001-0", "1002-0"));
    s.backfill.forward("r", message("1000-0"));
    s.backfill.forward("r", message("2500-0"));   // forged, under the clock margin
    s.backfill.forward("r", message("1001-0"));   // real, older: out of order
    s.backfill.forward("r", message("1002-0"));   // waits for the stream's answer
    assertThat(s.out).containsExactly("1000-0", "2500-0");
    assertThat(s.readFrom).as("is the older one stored?").containsExactly("1001-0");
    s.answer();
    assertThat(s.readFrom).as("it is: the stream is not asked about the newer one").hasSize(1);
    assertThat(s.out).containsExactly("1000-0", "2500-0", "RESYNC", "1002-0");
    s.backfill.forward("r", message("1003-0"));
    assertThat(s.out).as("the room goes on from there").endsWith("1003-0");
  }

  @Test
  @DisplayName("a forged id older than the real ones, after them: the stream holds the newer one and not the forged "
      + "one, which is dropped; the room goes on without a resync")
  void forgedOlderIdIsDropped() {
    OverStream s = new OverStream(List.of("1000-0", "1001-0"));
    s.backfill.forward("r", message("1000-0"));
    s.backfill.forward("r", message("1001-0"));
    s.backfill.forward("r", message("1000-5"));   // forged, older than what was forwarded
    s.backfill.forward("r", message("1002-0"));
    s.answer();
    assertThat(s.readFrom).containsExactly("1000-5", "1001-0");
    s.answer();
    assertThat(s.out).containsExactly("1000-0", "1001-0", "1002-0");
    s.backfill.forward("r", message("1000-7"));
    assertThat(s.out).as("once the stream vouched for the newest, an older id is a plain duplicate").hasSize(3);
  }

  @Test
  @DisplayName("a message later than Redis' clock is forwarded only if the stream holds it; live messages after it "
      + "wait and keep their order")
  void doubtfulMessagesNeedTheStream() {
    OverStream s = new OverStream(List.of("1000-0", "9000-0"));
    s.backfill.forward("r", message("1000-0"));
    s.backfill.forwardDoubtful("r", message("8000-0"));   // forged
    s.backfill.forward("r", message("1000-1"));
    s.answer();
    assertThat(s.out).containsExactly("1000-0", "1000-1");
    s.backfill.forwardDoubtful("r", message("9000-0"));   // real, only the clock was off
    s.backfill.forward("r", message("9000-1"));
    s.answer();
    assertThat(s.out).containsExactly("1000-0", "1000-1", "9000-0", "9000-1");
  }

  @Test
  @DisplayName("between a subscription loss and the sync after it nothing held is let go: a first member's backfill "
      + "finishing meanwhile keeps the room held, and when Redis lost its data the room resyncs before any message "
      + "after the gap reaches its connections")
  void nothingReleasedBeforeTheSync() {
    OverStream s = new OverStream(List.of("1000-0", "1000-1"));
    s.backfill.forward("r", message("1000-0"));
    // rooms mode: the room's first local member arrives; its backfill is on its way when the subscription is lost
    s.backfill.holdLive(List.of("r"));
    s.backfill.startFrom("r", MessageId.parse("1000-0"));
    s.backfill.backfillRoom("r", false);
    s.backfill.subscriptionLost(List.of("r"));
    s.answer();
    s.backfill.forward("r", message("2000-0"));   // after Redis came back empty, from a node that synced first
    assertThat(s.out).as("nothing until the sync").containsExactly("1000-0");
    s.backfill.afterSync(true);
    assertThat(s.out).containsExactly("1000-0", "RESYNC", "2000-0");
  }

  @Test
  @DisplayName("a hold given up (the first member's join failed) while a sync is pending stays until the sync")
  void releaseWaitsForTheSync() {
    OverStream s = new OverStream(List.of());
    s.backfill.forward("q", message("1000-0"));
    s.backfill.holdLive(List.of("q"));
    s.backfill.subscriptionLost(List.of("q"));
    s.backfill.stopHolding("q");
    s.backfill.forward("q", message("2000-0"));
    assertThat(s.out).containsExactly("1000-0");
    s.backfill.afterSync(true);
    assertThat(s.out).containsExactly("1000-0", "RESYNC", "2000-0");
  }
}
