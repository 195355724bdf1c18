package io.roomcast.bench;

import org.HdrHistogram.Histogram;

/**
 * What one shard of the generator counted. Updated on the shard's event loop only; read by others only for the
 * per-second progress line (approximately) and, once sending has stopped, for the final result.
 */
final class Tally {
  /** Latency from the intended send time to delivery, in microseconds, up to a minute. */
  final Histogram latency = new Histogram(60_000_000L, 3);
  long sent;
  long acked;
  /** Deliveries each acknowledged message is owed: its room's size. */
  long expected;
  long received;
  long duplicated;
  long outOfOrder;
  /** Deliveries of messages sent inside the measured window. */
  long measured;
  long errors;
  long refused;
  long closed;

  void add(Tally o) {
    latency.add(o.latency);
    sent += o.sent;
    acked += o.acked;
    expected += o.expected;
    received += o.received;
    duplicated += o.duplicated;
    outOfOrder += o.outOfOrder;
    measured += o.measured;
    errors += o.errors;
    refused += o.refused;
    closed += o.closed;
  }
}
