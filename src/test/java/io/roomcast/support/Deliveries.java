package io.roomcast.support;

import io.roomcast.protocol.MessageId;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The delivery promise checked over {@link ResilientClient}s: every acknowledged message of a room reached every
 * client of the room once, in id order, unless the client was told it may have missed it (a resume answered
 * {@code recovered: false}, after which the protocol has it read the history). Waits until every send is acknowledged
 * and every client caught up, then counts what was lost, duplicated and reordered.
 */
public final class Deliveries {
  private Deliveries() {}

  /**
   * What the clients got, compared with what the server acknowledged; {@code missing} holds the ids of the lost
   * messages (each once, however many clients missed it); {@code told} counts the messages clients missed but were
   * told of (a resume after them answered {@code recovered: false}), which are not lost.
   */
  public record Report(int acknowledged, int rooms, int received, int lost, int duplicated, int reordered,
      int notRecovered, int connections, Set<String> missing, int told) {
    public boolean perfect() {
      return lost + duplicated + reordered + notRecovered == 0;
    }

    @Override
    public String toString() {
      return acknowledged + " messages acknowledged, " + received + " received over " + connections
          + " connections: " + lost + " lost, " + duplicated + " duplicated, " + reordered + " out of order, "
          + notRecovered + " resumes not recovered";
    }
  }

  public static Report check(List<ResilientClient> clients, Duration patience) {
    Await.until("every send acknowledged", patience,
        () -> clients.stream().allMatch(c -> c.snapshot().unacked() == 0));
    Map<String, TreeSet<MessageId>> committed = new HashMap<>();
    for (ResilientClient c : clients) {
      for (String id : c.snapshot().acked().values()) {
        committed.computeIfAbsent(c.room(), r -> new TreeSet<>()).add(MessageId.parse(id));
      }
    }
    Await.until("every client caught up", patience, () -> clients.stream().allMatch(c -> {
      List<String> r = c.snapshot().received();
      TreeSet<MessageId> all = committed.get(c.room());
      return all == null || (!r.isEmpty() && MessageId.parse(r.get(r.size() - 1)).equals(all.last()));
    }));
    int lost = 0;
    int duplicated = 0;
    int reordered = 0;
    int received = 0;
    int notRecovered = 0;
    int connections = 0;
    int told = 0;
    Set<String> missingIds = new TreeSet<>();
    for (ResilientClient c : clients) {
      ResilientClient.Snapshot s = c.snapshot();
      TreeSet<MessageId> seen = new TreeSet<>();
      MessageId previous = null;
      for (String text : s.received()) {
        MessageId id = MessageId.parse(text);
        if (!seen.add(id)) {
          duplicated++;
          System.out.printf("deliveries: %s (%s) got %s twice; journal %s; received %s%n", c.user(), c.room(), id,
              s.journal(), s.received());
        } else if (previous != null && id.compareTo(previous) < 0) {
          reordered++;
        }
        previous = id;
      }
      TreeSet<MessageId> all = committed.getOrDefault(c.room(), new TreeSet<>());
      TreeSet<MessageId> missing = new TreeSet<>(all);
      missing.removeAll(seen);
      int before = missing.size();
      missing.removeIf(id -> s.told().stream().anyMatch(t -> t.covers(id)));
      told += before - missing.size();
      if (!missing.isEmpty()) {
        explain(c, s, missing, all, clients);
        missing.forEach(id -> missingIds.add(id.toString()));
      }
      lost += missing.size();
      received += s.received().size();
      notRecovered += s.notRecovered();
      connections += s.connections();
    }
    int total = committed.values().stream().mapToInt(TreeSet::size).sum();
    return new Report(total, committed.size(), received, lost, duplicated, reordered, notRecovered, connections,
        missingIds, told);
  }

  /** Prints what a client missed: its journal, who sent each missing message, and what it got around the gap. */
  private static void explain(ResilientClient c, ResilientClient.Snapshot s, TreeSet<MessageId> missing,
      TreeSet<MessageId> committed, List<ResilientClient> clients) {
    System.out.printf("deliveries: %s (%s, %d connections) missed %s; journal %s%n", c.user(), c.room(),
        s.connections(), missing, s.journal());
    for (ResilientClient other : clients) {
      for (Map.Entry<String, String> e : other.snapshot().acked().entrySet()) {
        if (missing.contains(MessageId.parse(e.getValue()))) {
          System.out.printf("deliveries: %s was sent by %s as %s%n", e.getValue(), other.user(), e.getKey());
        }
      }
    }
    List<String> got = s.received();
    if (got.isEmpty()) {
      return;
    }
    int at = 0;
    while (at < got.size() && MessageId.parse(got.get(at)).compareTo(missing.first()) < 0) {
      at++;
    }
    int from = Math.max(0, at - 3);
    int to = Math.min(got.size() - 1, at + 2);
    System.out.printf("deliveries: %s received around the gap: %s; committed there: %s%n", c.user(),
        got.subList(from, to + 1), committed.subSet(MessageId.parse(got.get(from)), true,
            MessageId.parse(got.get(to)), true));
  }
}
