package io.roomcast.bridge.redis;

import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.StoredMessage;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Decodes a room stream's entries ({@code [id, [u, user, t, text]]}, as XRANGE answers) into stored messages. */
final class StreamEntries {
  private StreamEntries() {}

  /**
   * The entries as messages, oldest first, leaving out those older than {@code cutoffMs} (the retention age); a
   * message's ts is its id's millisecond part.
   */
  static List<StoredMessage> decode(Response entries, boolean newestFirst, long cutoffMs) {
    List<StoredMessage> out = new ArrayList<>(entries.size());
    for (Response entry : entries) {
      String id = entry.get(0).toString();
      Response fields = entry.get(1);
      String user = null;
      String text = null;
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        String name = fields.get(i).toString();
        if (name.equals("u")) {
          user = fields.get(i + 1).toString();
        } else if (name.equals("t")) {
          text = fields.get(i + 1).toString();
        }
      }
      MessageId parsed = MessageId.parse(id);
      if (parsed != null && user != null && text != null && parsed.millis() >= cutoffMs) {
        out.add(new StoredMessage(id, user, text, parsed.millis()));
      }
    }
    if (newestFirst) {
      Collections.reverse(out);
    }
    return out;
  }

  /** The strings of a multi-bulk reply (empty for null). */
  static List<String> strings(Response r) {
    List<String> out = new ArrayList<>(r == null ? 0 : r.size());
    if (r != null) {
      for (Response item : r) {
        out.add(item.toString());
      }
    }
    return out;
  }
}
