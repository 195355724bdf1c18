package io.roomcast.bus;

/**
 * A gateway's {@link BridgeRequest} on {@link Addresses#BRIDGE} that wants its answer as a {@link BridgeAnswer} sent
 * to {@code replyTo}, the asking client's one long-lived address, under {@code id}: the answer's way back without a
 * reply handler registered (and a timer set) per request, which is how the event bus' own request and reply works.
 */
public record BridgeCall(BridgeRequest<?> request, String replyTo, long id) implements BusMessage {}
