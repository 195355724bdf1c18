package io.roomcast.bus;

import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.StoredMessage;
import java.util.List;

/** The bridge's replies; see {@link BridgeRequest} for which answers which. */
public sealed interface BridgeReply extends BusMessage {

  record Created(boolean created) implements BridgeReply {}

  record RoomList(List<String> rooms) implements BridgeReply {}

  /**
   * {@code recovered} is true when the join named a {@code since} the broker still holds; {@code missed} then holds
   * the messages stored after it, oldest first (else it is empty). {@code last} is where the member's stream starts:
   * {@code since} when recovered (the missed messages follow it), else the room's position when the join took effect
   * ({@link io.roomcast.bridge.Broker.Membership#last}).
   */
  record Joined(List<String> members, boolean recovered, List<StoredMessage> missed, MessageId last)
      implements BridgeReply {}

  record Done() implements BridgeReply {}

  record Sent(String id) implements BridgeReply {}

  /** Oldest first. */
  record Page(List<StoredMessage> messages) implements BridgeReply {}

  record UserList(List<String> users) implements BridgeReply {}

  record Admitted(boolean admitted) implements BridgeReply {}

  /** {@code ready} is false while the broker is unreachable or not subscribed. */
  record Status(boolean ready) implements BridgeReply {}

  /** Events as the API shows them ({@code id}, {@code type}, {@code timestamp}, {@code data}). */
  record Events(List<io.vertx.core.json.JsonObject> events) implements BridgeReply {}

  record Count(int count) implements BridgeReply {}
}
