package io.roomcast.bus;

import io.roomcast.protocol.StoredMessage;
import java.util.List;

/** The bridge's replies; see {@link BridgeRequest} for which answers which. */
public sealed interface BridgeReply extends BusMessage {

  record Created(boolean created) implements BridgeReply {}

  record RoomList(List<String> rooms) implements BridgeReply {}

  record Joined(List<String> members, boolean recovered) implements BridgeReply {}

  record Done() implements BridgeReply {}

  record Sent(String id) implements BridgeReply {}

  /** Oldest first. */
  record Page(List<StoredMessage> messages) implements BridgeReply {}

  record UserList(List<String> users) implements BridgeReply {}

  /** {@code ready} is false while the broker is unreachable or not subscribed. */
  record Status(boolean ready) implements BridgeReply {}
}
