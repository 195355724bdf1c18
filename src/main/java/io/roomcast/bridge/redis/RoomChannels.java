package io.roomcast.bridge.redis;

import io.roomcast.config.RedisMode;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;

/** The commands that (un)subscribe rooms' two channels (messages, presence) in the per-room modes. */
final class RoomChannels {
  private RoomChannels() {}

  /**
   * One command for all of {@code rooms} in rooms mode; one per room in cluster mode, where each room's channels live
   * on the master of its slot ({@code SSUBSCRIBE}, sharded pub/sub).
   */
  static List<Request> commands(RedisMode mode, RedisKeys keys, List<String> rooms, boolean subscribe) {
    List<Request> commands = new ArrayList<>();
    if (mode == RedisMode.CLUSTER) {
      for (String room : rooms) {
        commands.add(Request.cmd(subscribe ? Command.SSUBSCRIBE : Command.SUNSUBSCRIBE)
            .arg(keys.messageChannel(room)).arg(keys.joinChannel(room)));
      }
    } else {
      Request req = Request.cmd(subscribe ? Command.SUBSCRIBE : Command.UNSUBSCRIBE);
      for (String room : rooms) {
        req.arg(keys.messageChannel(room)).arg(keys.joinChannel(room));
      }
      commands.add(req);
    }
    return commands;
  }
}
