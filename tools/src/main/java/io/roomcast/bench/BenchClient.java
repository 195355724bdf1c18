package io.roomcast.bench;

import io.vertx.core.http.WebSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * One connection of the generator: a member of one room that sends on a fixed schedule and checks what it receives,
 * per sender, for gaps, duplicates and order. Used on its shard's event loop only.
 */
final class BenchClient {
  final int index;
  final int room;
  /** This client's place among its room's members: what it sends as the sender field of its messages. */
  final int position;
  final int roomSize;
  WebSocket ws;
  /** When the next message is due (System.nanoTime()); the schedule, not when it actually goes out. */
  long nextSend;
  int seq;
  /** Per sender of the room: the newest sequence number received. */
  private final int[] last;
  /** Sequence numbers skipped so far (sender << 32 | seq): a later arrival is out of order, not a duplicate. */
  private Set<Long> missing;
  /** This client's own messages that the server acknowledged, by sequence number. */
  final java.util.BitSet acked = new java.util.BitSet();

  BenchClient(int index, int room, int position, int roomSize) {
    this.index = index;
    this.room = room;
    this.position = position;
    this.roomSize = roomSize;
    this.last = new int[roomSize];
    java.util.Arrays.fill(last, -1);
  }

  /** Whether message {@code seq} of the room's member {@code sender} has arrived here. */
  boolean hasReceived(int sender, int seq) {
    return seq <= last[sender] && (missing == null || !missing.contains(((long) sender << 32) | seq));
  }

  /** Accounts one delivery of message {@code seq} from the room's member {@code sender}. */
  void received(Tally t, int sender, int seq) {
    t.received++;
    if (sender < 0 || sender >= last.length) {
      t.errors++;
      return;
    }
    int prev = last[sender];
    if (seq == prev + 1) {
      last[sender] = seq;
    } else if (seq > prev) {
      if (missing == null) {
        missing = new HashSet<>();
      }
      for (int s = prev + 1; s < seq; s++) {
        missing.add(((long) sender << 32) | s);
      }
      last[sender] = seq;
    } else if (missing != null && missing.remove(((long) sender << 32) | seq)) {
      t.outOfOrder++;
    } else {
      t.duplicated++;
    }
  }
}
