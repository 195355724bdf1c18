package io.roomcast.gateway;

import io.roomcast.bus.Addresses;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** The gateway's side of the bridge contract: requests with a deadline, and failures mapped to error codes. */
final class BridgeClient {
  private final EventBus bus;
  private final DeliveryOptions options;

  BridgeClient(EventBus bus, long timeoutMs) {
    this.bus = bus;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  <T extends BridgeReply> Future<T> ask(BridgeRequest request) {
    return bus.<T>request(Addresses.BRIDGE, request, options).map(Message::body);
  }

  /** Sends without waiting for an answer (typing, leaves of a closed connection). */
  void tell(BridgeRequest request) {
    bus.send(Addresses.BRIDGE, request);
  }

  record Refusal(ErrorCode code, String message) {}

  /** What to tell the client when the bridge refused or did not answer. */
  static Refusal refusal(Throwable err) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && ErrorCode.ofNumber(re.failureCode()) != null) {
      return new Refusal(ErrorCode.ofNumber(re.failureCode()), re.getMessage());
    }
    if (err instanceof ReplyException) {
      // no bridge registered (not deployed, restarting) or no answer in time
      return new Refusal(ErrorCode.UNAVAILABLE, "the message broker is unavailable right now; retry");
    }
    return new Refusal(ErrorCode.INTERNAL, "internal error");
  }
}
